import type { Verdict, Warning } from './verify.service';

export const LANGS = ['zh', 'en'] as const;
export type Lang = (typeof LANGS)[number];

export const REPORT_REASONS = ['suspected_fake', 'unlicensed_seller', 'mobile_selling', 'damaged_or_leaking', 'overdue_in_use', 'other'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

interface Messages {
  htmlLang: string;
  title: string;
  brand: string;
  verdict: Record<Verdict, string>;
  /** The headline of a genuine code whose cylinder must not be used: the danger first, not "genuine". */
  headline: Record<'SCRAPPED' | 'LOST' | 'PAST_SERVICE_LIFE' | 'OVERDUE_INSPECTION', string>;
  unverifiedAdvice: string;
  manual: { heading: string; label: string; placeholder: string; submit: string };
  advice: Record<'ok' | 'careful' | 'danger', string>;
  warnings: Record<Warning, string>;
  status: Record<string, string>;
  fields: Record<'grai' | 'enterprise' | 'capacity' | 'serial' | 'status' | 'lastFill' | 'nextInspection' | 'checkedAt', string>;
  noFill: string;
  unregisteredStation: string;
  report: { heading: string; reason: string; choose: string; note: string; contact: string; location: string; locating: string; locationFailed: string; submit: string; thanks: string; receipt: string; receiptHint: string; reasons: Record<ReportReason, string> };
  privacy: string;
  otherLang: string;
}

export const MESSAGES: Record<Lang, Messages> = {
  zh: {
    htmlLang: 'zh-CN',
    title: '气瓶身份核验',
    brand: '液化气瓶追溯监管平台',
    verdict: { genuine: '正品气瓶：二维码真实有效', not_genuine: '警告：此二维码不是真码', unknown: '警告：本市未登记的二维码', unverified: '无法核验：请扫描气瓶上的二维码' },
    headline: {
      SCRAPPED: '已报废气瓶，禁止使用',
      LOST: '已登记丢失的气瓶，禁止使用',
      PAST_SERVICE_LIFE: '超过使用年限的气瓶，禁止使用',
      OVERDUE_INSPECTION: '超期未检气瓶，禁止充装和使用',
    },
    unverifiedAdvice: '手工输入或不完整的链接没有防伪签名，无法确认真伪。请用手机直接扫描气瓶上的二维码。',
    manual: { heading: '标签损坏？手工查询', label: '气瓶码（GRAI）或钢印号', placeholder: '如 06141410000153 或钢印号', submit: '查询' },
    advice: {
      ok: '此气瓶已在本市登记，可放心使用。',
      careful: '此气瓶已登记，但存在以下问题，请勿充装或使用，并通过下方表单举报。',
      danger: '请勿使用此气瓶，并通过下方表单举报。',
    },
    warnings: {
      MALFORMED_CODE: '二维码格式错误或校验位不正确，可能是伪造的。',
      FOREIGN_CODE: '此码不是本市发放的气瓶码（外地码），请勿使用并举报。',
      UNKNOWN_CODE: '本市未登记此气瓶码，可能是伪造或外地气瓶。',
      BAD_SIGNATURE: '防伪签名校验失败：二维码被篡改或伪造。',
      MISSING_SIGNATURE: '此编码没有防伪签名（手工输入或链接不完整），无法确认真伪。',
      SCRAPPED: '此气瓶已报废，严禁充装和使用！',
      LOST: '此气瓶已登记为丢失。',
      PAST_SERVICE_LIFE: '此气瓶已超过设计使用年限，应予报废，严禁充装和使用！',
      OVERDUE_INSPECTION: '此气瓶已超过定期检验日期（超期未检），严禁充装和使用！',
      FILL_NOT_REGISTERED: '最近一次充装不在本市登记的充装站，可能是非法充装。',
      RECORD_INACTIVE: '此气瓶档案已停用。',
    },
    status: { in_service: '在用', overdue_inspection: '超期未检', past_service_life: '超过使用年限', scrapped: '已报废', lost: '已丢失' },
    fields: { grai: '气瓶码', enterprise: '所属企业', capacity: '规格', serial: '钢印号', status: '状态', lastFill: '最近充装', nextInspection: '下次检验日期', checkedAt: '核验时间' },
    noFill: '暂无充装记录',
    unregisteredStation: '未登记站点',
    report: {
      heading: '举报问题',
      reason: '问题类型',
      choose: '请选择问题类型',
      note: '补充说明（选填）',
      contact: '联系方式（选填，仅监管部门可见）',
      location: '附上我的位置（选填）',
      locating: '正在获取位置…',
      locationFailed: '无法获取位置',
      submit: '提交举报',
      thanks: '已收到您的举报，感谢您的监督！',
      receipt: '举报回执号',
      receiptHint: '请保存回执号，可凭此查询处理结果。',
      reasons: {
        suspected_fake: '疑似假码或假瓶',
        unlicensed_seller: '无证经营 / 黑气点',
        mobile_selling: '流动销售',
        damaged_or_leaking: '气瓶损坏或漏气',
        overdue_in_use: '超期未检仍在使用',
        other: '其他',
      },
    },
    privacy: '本页面不收集个人信息；仅在您同意时记录大致位置。',
    otherLang: 'English',
  },
  en: {
    htmlLang: 'en',
    title: 'Cylinder verification',
    brand: 'LPG Trace',
    verdict: { genuine: 'Genuine cylinder: the code is authentic', not_genuine: 'Warning: this code is not genuine', unknown: 'Warning: this code is not registered in the city', unverified: 'Cannot be verified: scan the code on the cylinder' },
    headline: {
      SCRAPPED: 'Scrapped cylinder: do not use it',
      LOST: 'Cylinder reported lost: do not use it',
      PAST_SERVICE_LIFE: 'Cylinder past its service life: do not use it',
      OVERDUE_INSPECTION: 'Cylinder overdue for inspection: do not fill or use it',
    },
    unverifiedAdvice: 'A code typed by hand or a link cut short carries no security signature, so it cannot be told genuine or not. Scan the code on the cylinder with your phone.',
    manual: { heading: 'Label damaged? Look it up', label: 'Cylinder code (GRAI) or steel-stamp serial', placeholder: 'e.g. 06141410000153 or the serial', submit: 'Look up' },
    advice: {
      ok: 'This cylinder is registered in the city.',
      careful: 'This cylinder is registered, but: do not fill or use it, and report it with the form below.',
      danger: 'Do not use this cylinder; please report it with the form below.',
    },
    warnings: {
      MALFORMED_CODE: 'The code is malformed or its check digit is wrong; it may be forged.',
      FOREIGN_CODE: 'This code was not issued by this city (an out-of-town code). Do not use the cylinder; please report it.',
      UNKNOWN_CODE: 'This code is not registered in the city: it may be forged or come from outside the city.',
      BAD_SIGNATURE: 'The security signature does not match: the code was altered or forged.',
      MISSING_SIGNATURE: 'This code carries no security signature (typed by hand or a link cut short): it cannot be verified.',
      SCRAPPED: 'This cylinder is scrapped: it must not be filled or used!',
      LOST: 'This cylinder has been reported lost.',
      PAST_SERVICE_LIFE: 'This cylinder is past its design service life and must be scrapped: do not fill or use it!',
      OVERDUE_INSPECTION: 'This cylinder is overdue for its periodic inspection: it must not be filled or used!',
      FILL_NOT_REGISTERED: 'The last fill was not at a registered filling station of the city: possibly an illegal fill.',
      RECORD_INACTIVE: 'This cylinder\'s record is deactivated.',
    },
    status: { in_service: 'In service', overdue_inspection: 'Overdue for inspection', past_service_life: 'Past service life', scrapped: 'Scrapped', lost: 'Lost' },
    fields: { grai: 'Code (GRAI)', enterprise: 'Owner', capacity: 'Capacity', serial: 'Steel-stamp serial', status: 'Status', lastFill: 'Last fill', nextInspection: 'Next inspection', checkedAt: 'Checked at' },
    noFill: 'No fill recorded',
    unregisteredStation: 'unregistered station',
    report: {
      heading: 'Report a problem',
      reason: 'Problem',
      choose: 'Choose the problem',
      note: 'Note (optional)',
      contact: 'How to reach you (optional, regulators only)',
      location: 'Add my location (optional)',
      locating: 'Locating…',
      locationFailed: 'Location unavailable',
      submit: 'Send report',
      thanks: 'Thank you: your report was received.',
      receipt: 'Receipt number',
      receiptHint: 'Keep it to look up what became of your report.',
      reasons: {
        suspected_fake: 'Suspected fake code or cylinder',
        unlicensed_seller: 'Unlicensed seller / black point',
        mobile_selling: 'Selling from a vehicle',
        damaged_or_leaking: 'Damaged or leaking cylinder',
        overdue_in_use: 'Overdue cylinder in use',
        other: 'Other',
      },
    },
    privacy: 'This page collects no personal data; a rough location only if you allow it.',
    otherLang: '中文',
  },
};
