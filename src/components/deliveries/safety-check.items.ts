/**
 * The home safety check (入户安检) as one table: the items of the field (docs' lpg-field-facts,
 * the Xiaoshan / Wuzhou / Ningbo practice), each with its words and how many days a failed item
 * gives the customer to put it right. A failed item is a hazard with that deadline (contract §4 of
 * issue 13); a later check that passes it (or finds it not applicable) closes it. Pure: no I/O.
 *
 * Decisions made here once:
 * - Every item is answered, pass / fail / n.a.: a check with an item left out is not a check.
 * - Using bottled gas in a basement, a semi-basement or a high-rise is the gravest finding; a
 *   leaking regulator and an unclamped hose are next: three days. What needs a purchase (a
 *   flame-failure stove, a gas alarm) gets a month; a leaflet not handed over, a week.
 */
export const SAFETY_ITEMS = {
  kitchen_ventilated: { zh: '厨房通风良好（靠外墙、可开窗、有照明）', en: 'Kitchen on an outside wall, ventilated and lit', deadlineDays: 7 },
  not_basement_or_high_rise: { zh: '非地下室、半地下室或高层建筑内使用', en: 'Not used in a basement, semi-basement or high-rise', deadlineDays: 3 },
  stove_flame_failure_device: { zh: '灶具带熄火保护装置', en: 'Stove with a flame-failure device', deadlineDays: 30 },
  cylinder_in_date_valve_closed: { zh: '气瓶在检验有效期内，用后关闭角阀', en: 'Cylinder within its inspection date, valve closed after use', deadlineDays: 3 },
  regulator_sound: { zh: '减压阀无泄漏，使用未超过约3年', en: 'Regulator not leaking and under about 3 years old', deadlineDays: 3 },
  hose_braided_clamped: { zh: '金属编织软管，两端卡箍紧固', en: 'Metal-braided hose, clamped at both ends', deadlineDays: 3 },
  gas_alarm_for_restaurant: { zh: '餐饮用户安装可燃气体报警器', en: 'Gas alarm installed (restaurants, 餐饮)', deadlineDays: 30 },
  leaflet_handed_over: { zh: '已发放安全用气宣传单', en: 'Safety leaflet handed over', deadlineDays: 7 },
} as const satisfies Record<string, { zh: string; en: string; deadlineDays: number }>;

export type SafetyItem = keyof typeof SAFETY_ITEMS;
export const SAFETY_ITEM_KEYS = Object.keys(SAFETY_ITEMS) as [SafetyItem, ...SafetyItem[]];
export const ITEM_RESULTS = ['pass', 'fail', 'na'] as const;
export type ItemResult = (typeof ITEM_RESULTS)[number];

const DAY_MS = 86_400_000;

export interface FoundHazard {
  item: SafetyItem;
  deadline: Date;
  note?: string;
}

/** The hazards a check finds: one per failed item, its deadline counted from when the check was made. */
export function hazardsOf(items: Readonly<Record<SafetyItem, { result: ItemResult; note?: string | undefined }>>, checkedAt: Date): FoundHazard[] {
  return SAFETY_ITEM_KEYS.flatMap((item) => {
    const answer = items[item];
    if (answer.result !== 'fail') return [];
    return [{ item, deadline: new Date(checkedAt.getTime() + SAFETY_ITEMS[item].deadlineDays * DAY_MS), ...(answer.note ? { note: answer.note } : {}) }];
  });
}

/** The items a check closes for its customer: those it passed or found not applicable. */
export function itemsCleared(items: Readonly<Record<SafetyItem, { result: ItemResult }>>): SafetyItem[] {
  return SAFETY_ITEM_KEYS.filter((item) => items[item].result !== 'fail');
}
