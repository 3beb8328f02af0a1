import type { Random } from './prng';

/** Surnames by rough frequency in northern Guangdong, with the Yao and Zhuang names of 连南 and 连山. */
const SURNAMES: readonly (readonly [string, number])[] = [
  ['陈', 12], ['李', 9], ['黄', 9], ['梁', 6], ['林', 5], ['张', 5], ['何', 4], ['刘', 4], ['罗', 4], ['邓', 3],
  ['吴', 3], ['郑', 3], ['谢', 3], ['朱', 2], ['冯', 2], ['曾', 2], ['彭', 2], ['潘', 2], ['钟', 2], ['邱', 2],
  ['赖', 2], ['廖', 2], ['蔡', 1], ['欧', 1], ['莫', 1], ['温', 1], ['卢', 1], ['叶', 1], ['邹', 1], ['唐', 1],
  ['房', 1], ['盘', 1], ['韦', 1], ['覃', 1], ['江', 1], ['范', 1], ['汤', 1], ['麦', 1], ['区', 1], ['伍', 1],
];
const MALE = '伟强明华建国志军文杰俊辉海涛永健荣光耀锦德平宏斌勇峰振家良春东广';
const FEMALE = '丽芳燕玲秀英敏娟霞红梅婷静慧兰珍凤琼桂玉雪妹萍艳冰惠淑莲';

export function personName(random: Random): string {
  const surname = random.weighted(SURNAMES);
  const pool = random.chance(0.55) ? MALE : FEMALE;
  const first = pool.charAt(random.int(0, pool.length - 1));
  if (random.chance(0.3)) return surname + first;
  return surname + first + pool.charAt(random.int(0, pool.length - 1));
}

const EATERY_PREFIX = ['老陈', '阿强', '阿华', '粤北', '北江', '山水', '客家', '瑶寨', '农家', '好味', '聚福', '湘粤', '顺记', '明记', '新丰'];
const EATERY_KIND = ['酒家', '大排档', '饭店', '食府', '农庄', '肠粉店', '烧腊店', '快餐店', '土菜馆', '茶餐厅', '鸡煲店', '河鲜馆'];
const CANTEEN = ['中学食堂', '小学食堂', '卫生院食堂', '工业园食堂'];

/** A restaurant or canteen of a town: the businesses (餐饮) that buy 15 and 50 kg cylinders. */
export function eateryName(random: Random, townShort: string): string {
  if (random.chance(0.08)) return `${townShort}${random.pick(CANTEEN)}`;
  return `${townShort}${random.pick(EATERY_PREFIX)}${random.pick(EATERY_KIND)}`;
}

/** 凤城街道 → 凤城, 太和镇 → 太和: how a town names its shops. */
export function townShort(town: string): string {
  return town.replace(/(街道|镇)$/, '');
}

export const MANUFACTURERS = ['佛山市安全气瓶有限公司', '广东三星气瓶有限公司', '宁波东方气瓶有限公司', '湖南湘潭钢瓶厂有限公司', '江门市新会区气瓶厂'];
