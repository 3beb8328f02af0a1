/** The phone app in Chinese (the default). Every string it shows is here or in en.ts, under the same key. */
export default {
  app: { name: '送气工', title: '液化气配送' },
  common: { back: '返回', ok: '知道了', cancel: '取消', submit: '保存', required: '必填', none: '无' },
  net: { online: '在线', offline: '离线', syncing: '正在上传…', pending: '待上传 {n} 条', synced: '已全部上传', lastSync: '上次同步 {at}' },
  login: {
    title: '送气工登录', username: '用户名', password: '密码', submit: '登录', failed: '用户名或密码错误，或账号已停用',
    offline: '首次登录需要网络', notWorker: '该账号不是送气工账号', otherWorker: '手机上还有 {name} 未上传的记录，须由 {name} 登录上传后才能换人', hint: '一次登录，整个班次有效；离线也能记录，联网后自动上传',
  },
  account: {
    ended: '账号已停用或登录已失效，请重新登录。未上传的 {n} 条记录仍保存在手机上，登录后继续上传。',
    relogin: '重新登录',
  },
  home: {
    hello: '{name}，你好', load: '站点装车', visit: '入户配送', outbox: '上传记录', endDay: '收车日结', customerSearch: '搜索用户（姓名、地址、电话）',
    customers: '手机上有 {n} 个用户', noCustomers: '没有找到用户', syncNow: '立即上传',
  },
  scan: {
    open: '扫码', manual: '手动输入 GRAI 或钢印号', add: '添加', torch: '手电筒', close: '完成', unsupported: '无法打开摄像头，请手动输入',
    added: '已添加 {name}', again: '已在列表中', starting: '正在打开摄像头…', reader: { native: '系统识别', polyfill: '内置识别' },
    problems: {
      NOT_A_CITY_CODE: '不是本市气瓶码', FOREIGN_DOMAIN: '不是本市发放的气瓶码（外地或伪造码）', BAD_CHECK_DIGIT: '气瓶码校验位错误（码已损坏或伪造）',
      FOREIGN_PREFIX: '不是本市的气瓶编码（厂商前缀不符）', MISSING_SIGNATURE: '气瓶码没有防伪签名（疑似伪造）', BAD_SIGNATURE: '气瓶码防伪签名格式错误（疑似伪造）',
    },
    noCity: '手机上没有本市的码规则，联网打开一次后再扫',
  },
  load: { title: '站点装车', site: '出发站点', vehicle: '车辆', cylinders: '装车满瓶', choose: '请选择', saved: '装车已记录' },
  visit: {
    title: '入户配送', customer: '用户', deliver: '送满瓶', collect: '收空瓶', returnTo: '空瓶送回', rejectedFull: '用户拒收的满瓶',
    check: '入户安检', doCheck: '本次做安检', photo: '拍照', photoSize: '照片 {kb} KB（原 {orig} KB）', confirmation: '用户确认',
    methods: { phone_last4: '手机尾号', one_time_code: '交付码', signature: '签名', none: '无法确认' },
    phoneLast4: '用户手机后四位', code: '6 位交付码', sign: '请用户在框内签名', clearSign: '重签', noneReason: '原因（如用户不在家）',
    saved: '已保存到手机，联网后上传', empty: '请至少送瓶、收瓶或安检一项', needConfirmation: '请完成用户确认', needChecklist: '请回答每一项安检',
    results: { pass: '合格', fail: '不合格', na: '不适用' }, allPass: '其余全部合格',
  },
  outbox: {
    title: '上传记录', empty: '手机上没有记录', clear: '清理已上传', clearBlocked: '还有未上传或未查看的记录，不能清理', cleared: '已清理',
    resend: '重新发送', kinds: { load: '装车', receipt: '入库', visit: '入户', safety_check: '安检' },
    states: { pending: '待上传', stored: '已上传', duplicate: '已上传（重复）', refused: '被拒', collision: '冲突', invalid: '需更正' },
    explain: {
      stored: '平台已记录', duplicate: '平台早已记录过这条，未重复记录', refused: '平台拒收：', collision: '与其他记录冲突，已交企业管理员处理：',
      invalid: '平台未记录，请更正后重新发送：', pending: '联网后自动上传',
    },
    hazards: '发现隐患 {n} 项',
  },
  day: {
    title: '收车日结', visits: '入户', delivered: '送出满瓶', collected: '收回空瓶', checks: '安检', loads: '装车', pending: '待上传',
    finish: '上传并结束', logout: '退出登录', logoutBlocked: '还有 {n} 条未上传，上传后才能退出', done: '今日记录已全部上传',
  },
  language: { switch: 'English' },
};
