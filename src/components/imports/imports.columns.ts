import type { CodedResource, UpsertableResource } from './imports.ports';

/**
 * Chinese column headers as the registries' Excel sheets name them, per resource. Each header lists
 * the fields it may mean, in order of preference; the first one the registry's input schema has wins
 * (so the table survives a renamed field). English headers are the schema's own field names
 * (dotted for nested fields, e.g. `licence.number`) and need no entry here.
 */
export type ColumnAliases = Readonly<Record<string, readonly string[]>>;

const COMMON: ColumnAliases = {
  企业: ['enterpriseId'],
  所属企业: ['enterpriseId'],
  企业ID: ['enterpriseId'],
  区县: ['districtCode'],
  所属区县: ['districtCode'],
  区县代码: ['districtCode'],
  地址: ['address'],
  备注: ['note', 'notes', 'remark'],
};

const LICENCE_NO = ['licence.number', 'licenceNumber', 'licenceNo', 'license.number', 'licenseNumber'];
const LICENCE_FROM = ['licence.validFrom', 'licenceValidFrom', 'license.validFrom'];
const LICENCE_TO = ['licence.validTo', 'licenceValidTo', 'licenceExpiresOn', 'license.validTo'];
const LNG = ['coordinates.0', 'location.lng', 'lng', 'longitude'];
const LAT = ['coordinates.1', 'location.lat', 'lat', 'latitude'];
const NAME = ['realName', 'name'];

export const COLUMN_ALIASES: Readonly<Record<UpsertableResource, ColumnAliases>> = {
  sites: {
    ...COMMON,
    名称: ['name'],
    站点名称: ['name'],
    站点编号: ['code'],
    站点代码: ['code'],
    站点编码: ['code'],
    编号: ['code'],
    类型: ['kind', 'type'],
    站点类型: ['kind', 'type'],
    许可证号: LICENCE_NO,
    经营许可证号: LICENCE_NO,
    许可证发证机关: ['licence.issuer'],
    充装许可证号: ['fillingLicence.number'],
    充装许可证有效期至: ['fillingLicence.validTo'],
    许可证有效期起: LICENCE_FROM,
    许可证有效期至: LICENCE_TO,
    经度: LNG,
    纬度: LAT,
    坐标: ['location', 'coordinates'],
    联系电话: ['phone', 'contactPhone'],
  },
  vehicles: {
    ...COMMON,
    车牌号: ['plate'],
    车牌: ['plate'],
    车辆类型: ['kind', 'type'],
    道路运输证号: ['permit.number', 'permitNumber', 'transportPermit.number'],
    危险货物运输许可证号: ['permit.number', 'permitNumber', 'transportPermit.number'],
    运输许可证号: ['permit.number', 'permitNumber', 'transportPermit.number'],
    许可证有效期起: ['permit.validFrom', 'permitValidFrom', 'transportPermit.validFrom'],
    许可证有效期至: ['permit.validTo', 'permitValidTo', 'transportPermit.validTo'],
  },
  workers: {
    ...COMMON,
    姓名: NAME,
    身份证号: ['idNumber'],
    手机: ['phone'],
    手机号: ['phone'],
    联系电话: ['phone'],
    工号: ['staffNumber'],
    员工编号: ['staffNumber'],
    员工工号: ['staffNumber'],
    岗位: ['role'],
    所属站点: ['siteId'],
    站点: ['siteId'],
    站点编号: ['siteId'],
    角色: ['role'],
    培训合格证号: ['certificate.number', 'trainingCertificate.number', 'certificateNumber'],
    安全培训合格证号: ['certificate.number', 'trainingCertificate.number', 'certificateNumber'],
    证书有效期至: ['certificate.validTo', 'trainingCertificate.validTo', 'certificateValidTo', 'certificate.expiresOn'],
    证书有效期起: ['certificate.validFrom', 'trainingCertificate.validFrom', 'certificateValidFrom'],
  },
  customers: {
    ...COMMON,
    姓名: NAME,
    名称: NAME,
    用户名称: NAME,
    用户类型: ['kind', 'type'],
    类型: ['kind', 'type'],
    身份证号: ['idNumber'],
    统一社会信用代码: ['uscc', 'creditCode'],
    手机: ['phone'],
    手机号: ['phone'],
    联系电话: ['phone'],
  },
  cylinders: {
    ...COMMON,
    钢印号: ['serial'],
    气瓶钢印号: ['serial'],
    制造单位: ['manufacturer'],
    制造厂: ['manufacturer'],
    制造日期: ['manufactureDate'],
    出厂日期: ['manufactureDate'],
    公称容量: ['nominalKg'],
    '充装量(kg)': ['nominalKg'],
    '充装量（kg）': ['nominalKg'],
    规格: ['nominalKg', 'model'],
    型号: ['model', 'nominalKg'],
    皮重: ['tareKg'],
    '皮重(kg)': ['tareKg'],
    '皮重（kg）': ['tareKg'],
    上次检验日期: ['lastInspectionDate', 'lastInspectedOn'],
    下次检验日期: ['nextInspectionDate', 'nextInspectionDue'],
    设计使用年限: ['designLifeYears', 'serviceLifeYears'],
    充装站: ['fillingSiteId', 'fillingSite'],
    充装站ID: ['fillingSiteId'],
    充装站编号: ['fillingSiteId'],
    充装单位: ['fillingSiteId', 'fillingSite'],
  },
};

/**
 * Columns that name another record and take its human code as well as its id: a worker's site, a
 * cylinder's filling station by station code (站点编号). imports.codes.ts resolves them.
 */
export const CODE_REFERENCES: Readonly<Record<UpsertableResource, Readonly<Record<string, CodedResource>>>> = {
  sites: {},
  vehicles: {},
  workers: { siteId: 'sites' },
  customers: {},
  cylinders: { fillingSiteId: 'sites' },
};

/**
 * The registry's natural key, to find a record twice in one file: a row's key is the first of
 * `fields` it has a value for, within its enterprise when `perEnterprise` (a city-wide caller may
 * import several enterprises' records in one file). A later row with the same key is refused.
 */
export const NATURAL_KEYS: Readonly<Record<UpsertableResource, { perEnterprise: boolean; fields: readonly string[] }>> = {
  sites: { perEnterprise: true, fields: ['name'] },
  vehicles: { perEnterprise: false, fields: ['plate'] },
  workers: { perEnterprise: true, fields: ['idNumber'] },
  customers: { perEnterprise: true, fields: ['idNumber', 'phone'] },
  cylinders: { perEnterprise: true, fields: ['serial'] },
};

/** Human codes, unique within the enterprise beside the natural key: two rows may not claim one (s01 and S01 are one). */
export const UNIQUE_CODES: Readonly<Record<UpsertableResource, readonly string[]>> = {
  sites: ['code'],
  vehicles: [],
  workers: ['staffNumber'],
  customers: [],
  cylinders: [],
};

/** Cell labels that mean an enum value, for enum fields only (and only if the value is one of its options). */
export const VALUE_ALIASES: Readonly<Record<string, string>> = {
  充装站: 'filling_station',
  供应站: 'supply_point',
  供应点: 'supply_point',
  充装工: 'filling_operator',
  送气工: 'delivery_worker',
  配送员: 'delivery_worker',
  居民: 'household',
  居民用户: 'household',
  家庭: 'household',
  商业: 'business',
  商业用户: 'business',
  餐饮: 'business',
  气瓶运输车: 'cylinder_truck',
  槽罐车: 'cylinder_truck',
  厢式货车: 'van',
  三轮车: 'tricycle',
  摩托车: 'motorcycle',
  其他: 'other',
  是: 'true',
  否: 'false',
};

/**
 * The columns of each registry's import template (GET /imports/{resource}/template), in the order a
 * clerk fills them: headers of COLUMN_ALIASES, so a filled-in template imports as it is. The
 * enterprise (企业) column is left out: an enterprise's own rows need none; a regulator adds it.
 */
export const TEMPLATE_HEADERS: Readonly<Record<UpsertableResource, readonly string[]>> = {
  sites: ['站点编号', '名称', '类型', '区县代码', '地址', '经度', '纬度', '许可证号', '许可证有效期至', '充装许可证号', '充装许可证有效期至'],
  vehicles: ['车牌号', '车辆类型', '危险货物运输许可证号', '许可证有效期至'],
  workers: ['工号', '姓名', '身份证号', '岗位', '所属站点', '安全培训合格证号', '证书有效期至'],
  customers: ['用户类型', '姓名', '身份证号', '统一社会信用代码', '手机号', '地址', '区县代码'],
  cylinders: ['钢印号', '制造单位', '制造日期', '公称容量', '皮重(kg)', '充装站', '上次检验日期', '设计使用年限'],
};
