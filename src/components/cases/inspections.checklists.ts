/**
 * The checklists a regulator inspects premises with, as seeded the first time (version 1). They are
 * data: the city regulator edits them (PUT /inspection-checklists/{premisesType}), each edit a new
 * version; an inspection names the version it was made with. The items follow the field's practice
 * (GB 51142 and the provincial rules for filling stations, bottled-gas supply points and catering
 * users, see docs/ and notes/lpg-field-facts.md).
 */
export const PREMISES_TYPES = ['station', 'supply_point', 'restaurant'] as const;
export type PremisesType = (typeof PREMISES_TYPES)[number];

export interface ChecklistItem {
  code: string;
  zh: string;
  en: string;
}

export const DEFAULT_CHECKLISTS: Record<PremisesType, readonly ChecklistItem[]> = {
  station: [
    { code: 'licences_valid', zh: '燃气经营许可证、气瓶充装许可证在有效期内并公示', en: 'Gas-operation and cylinder-filling licences valid and displayed' },
    { code: 'pre_fill_check', zh: '充装前逐瓶检查并记录，超期、报废、外地及无码气瓶不充装', en: 'Every cylinder checked before filling and recorded; no overdue, scrapped, foreign or uncoded cylinder filled' },
    { code: 'scale_interlock', zh: '灌装秤在检定有效期内，扫码联锁正常', en: 'Filling scales within verification, scan interlock working' },
    { code: 'post_fill_check', zh: '充装后逐瓶复称、检漏并记录', en: 'Every cylinder re-weighed and leak-tested after filling, recorded' },
    { code: 'staff_certified', zh: '充装人员持有效证件上岗', en: 'Filling staff hold valid certificates' },
    { code: 'fire_safety', zh: '消防器材齐全有效，电气设备防爆', en: 'Fire equipment complete and serviceable, explosion-proof electrics' },
    { code: 'gas_detection', zh: '可燃气体检测报警装置工作正常', en: 'Combustible-gas detectors working' },
    { code: 'records_kept', zh: '充装记录、检验记录保存完整', en: 'Filling and inspection records complete and kept' },
  ],
  supply_point: [
    { code: 'licence_valid', zh: '燃气经营许可证（瓶装供应站）在有效期内并公示', en: 'Gas-operation licence (bottled-gas supply point) valid and displayed' },
    { code: 'storage_limit', zh: '气瓶存放量不超过核定数量，实瓶与空瓶分区存放', en: 'No more cylinders than permitted; full and empty stored apart' },
    { code: 'store_ventilated', zh: '瓶库通风良好，无火源，照明防爆', en: 'Cylinder store ventilated, no ignition source, explosion-proof lighting' },
    { code: 'no_unqualified_cylinders', zh: '无超期、报废、无码或外地气瓶', en: 'No overdue, scrapped, uncoded or foreign cylinder' },
    { code: 'fire_safety', zh: '消防器材齐全有效', en: 'Fire equipment complete and serviceable' },
    { code: 'gas_detection', zh: '可燃气体检测报警装置工作正常', en: 'Combustible-gas detectors working' },
    { code: 'delivery_records', zh: '送气登记完整，用户实名', en: 'Delivery records complete, customers registered by name' },
    { code: 'staff_trained', zh: '从业人员经培训考核合格', en: 'Staff trained and certified' },
  ],
  restaurant: [
    { code: 'gas_alarm', zh: '安装可燃气体报警器并与紧急切断阀联动', en: 'Gas alarm installed and linked to an emergency shut-off valve' },
    { code: 'cylinder_placement', zh: '气瓶置于通风良好的独立区域，不在地下室或半地下室', en: 'Cylinders in a ventilated separate area, not in a basement or semi-basement' },
    { code: 'hose_regulator', zh: '使用金属编织软管并紧固，减压阀合格', en: 'Metal-braided hose, clamped; a sound regulator' },
    { code: 'stove_flame_failure', zh: '灶具带熄火保护装置', en: 'Stoves with flame-failure devices' },
    { code: 'cylinder_count', zh: '在用及备用气瓶数量符合规定', en: 'No more cylinders in use and in reserve than allowed' },
    { code: 'licensed_supplier', zh: '气瓶来自持证燃气企业并在检验有效期内', en: 'Cylinders from a licensed enterprise, within their inspection date' },
    { code: 'supply_contract', zh: '与持证燃气企业签订供用气合同', en: 'Supply contract with a licensed enterprise' },
    { code: 'staff_training', zh: '员工接受安全用气培训，会关阀、会报警', en: 'Staff trained in safe use: closing the valve, raising the alarm' },
    { code: 'extinguisher', zh: '配备有效灭火器', en: 'A serviceable fire extinguisher at hand' },
  ],
};
