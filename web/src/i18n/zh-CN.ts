/** The console in Chinese (the default). Every string a page shows is here or in en.ts, under the same key. */
export default {
  app: { name: '液化气瓶追溯监管平台', shortName: '气瓶追溯监管', tagline: '气瓶二维码身份 · 全流程追溯 · 实时监管' },
  languages: { 'zh-CN': '简体中文', en: 'English' },
  common: {
    language: '语言', search: '查询', actions: '操作', details: '详情', edit: '编辑', save: '保存', cancel: '取消', confirm: '确定',
    back: '返回', more: '加载更多', next: '下一页', previous: '上一页', page: '第 {n} 页', empty: '暂无数据', choose: '请选择',
    chooseDate: '选择日期', active: '在用', inactive: '已停用',
  },
  errors: { network: '无法连接平台，请检查网络后重试', unexpected: '发生意外错误，请稍后重试' },
  login: {
    title: '账号登录', username: '用户名', password: '密码', usernamePlaceholder: '请输入用户名', passwordPlaceholder: '请输入密码',
    submit: '登录', missing: '请输入用户名和密码', apiDocs: '接口文档', publicCheck: '扫描气瓶二维码即可查验气瓶真伪',
  },
  layout: { logout: '退出登录', changePassword: '修改密码', scopeCity: '全市', scopeDistrict: '辖区：{district}', scopeEnterprise: '本企业' },
  roles: { city_regulator: '市级监管', district_regulator: '区县监管', enterprise_admin: '企业管理员', filling_operator: '充装工', delivery_worker: '送气工', auditor: '审计' },
  sections: { overview: '总览', supervision: '监管', registry: '档案', codes: '赋码与导入', ledger: '追溯' },
  menu: {
    overview: '工作台', credentialQueue: '证照核验', rejectedEvents: '被拒事件', enterprises: '燃气企业', sites: '站点', vehicles: '车辆',
    workers: '从业人员', customers: '用户', cylinders: '气瓶', imports: '批量导入', labels: '赋码与标签', timeline: '气瓶追溯',
  },
  nouns: { enterprises: '企业', sites: '站点', vehicles: '车辆', workers: '从业人员', customers: '用户', cylinders: '气瓶' },
  fields: {
    enterpriseName: '企业名称', uscc: '统一社会信用代码', districtCode: '区县', address: '地址', active: '状态', siteCode: '站点编号', siteName: '站点名称',
    siteKind: '站点类型', plate: '车牌号', vehicleKind: '车辆类型', staffNumber: '工号', realName: '姓名', idNumber: '身份证号', workerRole: '岗位',
    workSite: '所属站点', customerName: '用户名称', customerKind: '用户类型', phone: '联系电话', serial: '钢印号', grai: '气瓶编码 (GRAI)', model: '型号',
    cylinderStatus: '气瓶状态', nextInspectionDate: '下次检验日期', lastInspectionDate: '上次检验日期', manufacturer: '制造单位', manufactureDate: '制造日期',
    nominalKg: '公称容量', tareKg: '皮重 (kg)', fillingSite: '充装站', designLifeYears: '设计使用年限', serviceLifeEndsAt: '使用年限届满',
    credentialStatus: '证照状态', scope: '经营范围', issuer: '发证机关', validFrom: '有效期起', validTo: '有效期至', longitude: '经度', latitude: '纬度',
    coordinates: '坐标（经度、纬度）', enterprise: '所属企业', enterpriseId: '所属企业', site: '站点', cylinder: '气瓶',
  },
  credentialFields: {
    licence: '经营许可证', fillingLicence: '气瓶充装许可', permit: '危险货物运输许可', certificate: '安全培训合格证',
    licenceNumber: '许可证号', fillingLicenceNumber: '充装许可证号', permitNumber: '运输许可证号', certificateNumber: '合格证号',
  },
  enums: {
    credentialStatus: { valid: '有效', expiring: '即将到期', expired: '已过期', not_yet_valid: '未生效', unverified: '待核验', rejected: '已驳回', suspended: '已暂停', revoked: '已吊销', missing: '缺失' },
    credentialState: { submitted: '已提交', rejected: '已驳回', verified: '已核验', suspended: '已暂停', revoked: '已吊销', none: '无' },
    siteKind: { filling_station: '充装站', supply_point: '供应站' },
    vehicleKind: { cylinder_truck: '气瓶运输车', van: '厢式货车', tricycle: '三轮车', motorcycle: '摩托车', other: '其他' },
    workerRole: { filling_operator: '充装工', delivery_worker: '送气工', other: '其他' },
    customerKind: { household: '居民用户', business: '单位用户' },
    cylinderStatus: { in_service: '在用', overdue_inspection: '超期未检', past_service_life: '超过使用年限', scrapped: '已报废' },
    nominalKg: { 5: '5 kg (YSP-5)', 15: '15 kg (YSP-15)', 50: '50 kg (YSP-50)' },
  },
  commands: { submit: '提交', verify: '核验通过', reject: '驳回', suspend: '暂停', revoke: '吊销', reinstate: '恢复', amend: '更正' },
  credentials: {
    heading: '证照', number: '编号', reason: '理由（必填）', reasonOptional: '备注（选填）', reasonRequired: '请填写理由', done: '已{command}',
    renewal: '待核验的换证：{number}，有效期至 {validTo}', lastDecision: '最近决定：{at} {command}', none: '未登记{kind}',
  },
  registry: {
    search: '名称、编号、车牌、钢印号', create: '新建{noun}', createTitle: '新建{noun}', editTitle: '编辑{noun}', detailTitle: '{noun}详情',
    created: '已创建', saved: '已保存', deactivate: '停用', deactivated: '已停用',
  },
  queue: { statusLabel: '证照状态', hint: '企业提交的证照须经监管部门核验后才生效', holder: '持证方', empty: '没有该状态的证照' },
  rejected: {
    allReasons: '全部原因', reason: '拒绝原因', hint: '被追溯账本拒绝记录的事件及其证据', empty: '没有被拒事件', occurredAt: '发生时间', type: '事件', reasons: '原因',
  },
  eventTypes: {
    commission: '赋码建档', inspect: '充装前检查', fill: '充装', dispatch: '出站装车', receive: '供应站入库', sell: '销售', hand_over: '配送交付',
    return_empty: '回收空瓶', periodic_inspection: '定期检验', scrap: '报废', report_lost: '报失', error_declaration: '更正声明',
  },
  states: {
    unregistered: '未建档', empty_at_station: '站内空瓶', inspected_at_station: '已检查待充', full_at_station: '站内满瓶', in_transit: '运输中',
    at_supply_point: '在供应站', with_customer: '在用户处', scrapped: '已报废', lost: '已报失',
  },
  timeline: {
    search: '输入钢印号、GRAI 或气瓶 id', prompt: '查询一个气瓶，查看它的全部流转记录', notFound: '找不到气瓶“{text}”', noCode: '未赋码',
    chainVerified: '链已验证', chainBroken: '链验证失败', chainFacts: '{events} 个事件已验证，{included} 个已纳入签名日志（树大小 {size}），{pending} 个待签名',
    outOfScope: '该气瓶的流转超出您的辖区，整链验证与导出由市级监管部门进行', export: '导出审计包', noEvents: '尚无流转事件',
    logPosition: '日志位置 {n}', proof: '包含证明', proofTitle: '日志包含证明 (RFC 6962)', leafIndex: '叶子位置', treeSize: '树大小', leafHash: '叶子哈希', auditPath: '审计路径',
  },
  imports: {
    stepChoose: '选择文件', stepCheck: '检查', stepImport: '导入', registry: '档案', template: '下载模板', choose: '选择 CSV 文件',
    hint: '支持 UTF-8 或 Excel 保存的“CSV (逗号分隔)”(GBK)。先检查全部行，无误后才导入；导入全部成功或全部不写入。',
    checked: '检查通过：{rows} 行，新增 {created}，更新 {updated}，不变 {unchanged}', rejected: '发现 {count} 处错误（共 {rows} 行），未导入任何记录，请修改后重新选择文件',
    done: '导入完成：新增 {created}，更新 {updated}，不变 {unchanged}', import: '导入 {rows} 行', again: '重新选择', line: '行号', column: '列', reason: '问题',
  },
  labels: {
    search: '钢印号、GRAI', allStations: '全部充装站', codedFilter: '赋码', codedAll: '全部', codedNo: '未赋码', codedYes: '已赋码', notCoded: '未赋码',
    commission: '赋码 ({count})', print: '打印标签 ({count})', commissioned: '{count} 个气瓶已赋码', refused: '{serial} 赋码被拒绝', selected: '已选 {count} 个',
    sheetTitle: '气瓶二维码标签', sheetSummary: '{count} 个标签，{pages} 页 A4；{skipped} 个未打印', printNow: '打印',
    skip: { NOT_COMMISSIONED: '尚未赋码', NOT_FOUND: '不存在或无权查看' },
  },
  overview: {
    welcome: '{name}，您好',
    cards: {
      pending_enterprises: '待核验企业许可证', pending_sites: '待核验站点许可证', pending_vehicles: '待核验运输许可', pending_workers: '待核验培训合格证',
      overdueCylinders: '超期未检气瓶', pastLifeCylinders: '超过使用年限气瓶', expiredWorkers: '合格证过期人员', refusals: '被拒事件',
    },
    refusalsByReason: '最近被拒事件（按原因）',
  },
  password: {
    title: '修改密码', mustChange: '管理员重置了您的密码，请先设置新密码', current: '当前密码', new: '新密码', repeat: '再次输入新密码',
    submit: '修改密码', differ: '两次输入的新密码不一致', changed: '密码已修改',
  },
  notFound: { title: '页面不存在', detail: '您访问的页面不存在或无权查看', back: '返回工作台' },
};
