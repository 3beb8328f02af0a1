/**
 * Qingyuan's eight county-level divisions (the registry's codes, GB/T 2260) with towns and streets
 * that exist there, each town at roughly its real place (WGS-84, to about a kilometre): enough for
 * addresses a local would recognise and for distances the cloned-code rule can measure.
 */
export interface Town {
  name: string;
  at: readonly [number, number];
  /** Streets (in the county seat) or villages (elsewhere) for addresses. */
  streets: readonly string[];
  villages?: readonly string[];
}

export interface District {
  code: string;
  name: string;
  /** Short form used in enterprise and site names (清城, 英德, ...). */
  short: string;
  /** Share of the city's households (about the census population). */
  weight: number;
  towns: readonly Town[];
  estates: readonly string[];
}

export const DISTRICTS: readonly District[] = [
  {
    code: '441802', name: '清城区', short: '清城', weight: 26,
    towns: [
      { name: '凤城街道', at: [113.0435, 23.6905], streets: ['北江路', '人民一路', '先锋西路', '连江路', '沿江中路', '桥北路'] },
      { name: '东城街道', at: [113.0852, 23.6951], streets: ['东城大道', '广清大道', '华南路', '锦霞路', '清远大道'] },
      { name: '洲心街道', at: [113.0098, 23.7195], streets: ['洲心大道', '大学路', '松岗中路', '银泉北路'] },
      { name: '横荷街道', at: [113.0728, 23.6602], streets: ['横荷大道', '银盏路', '百嘉大道', '长隆大道'] },
      { name: '源潭镇', at: [113.2121, 23.6458], streets: ['源潭大道', '中兴路'], villages: ['青龙', '高桥', '大塱', '江埔'] },
      { name: '龙塘镇', at: [113.1195, 23.5882], streets: ['龙塘大道', '银英公路'], villages: ['孔洞', '井岭', '陂坑', '新联'] },
      { name: '石角镇', at: [113.0308, 23.5605], streets: ['石角大道', '沿江路'], villages: ['马头', '界牌', '七星岗', '石坎'] },
      { name: '飞来峡镇', at: [113.2325, 23.7731], streets: ['飞来峡大道'], villages: ['高田', '江口', '琶江'] },
    ],
    estates: ['碧桂园假日半岛', '恒大御景半岛', '富力泉天下', '万科华府', '时代香海彼岸', '美林湖', '奥园广场', '清远恒大城', '凤城世家', '锦绣花园'],
  },
  {
    code: '441803', name: '清新区', short: '清新', weight: 16,
    towns: [
      { name: '太和镇', at: [112.9856, 23.7363], streets: ['玄真路', '明霞大道', '太和路', '笔架路', '环城北路'] },
      { name: '山塘镇', at: [112.9535, 23.8166], streets: ['山塘大道'], villages: ['桃源', '南丫', '石坑', '塘坑'] },
      { name: '三坑镇', at: [112.8901, 23.8552], streets: ['三坑大道'], villages: ['乌石', '丰源', '安庆', '田心'] },
      { name: '龙颈镇', at: [112.8233, 23.9055], streets: ['龙颈大道'], villages: ['南冲', '竹岗', '水尾', '上社'] },
      { name: '禾云镇', at: [112.8025, 24.0205], streets: ['禾云大道'], villages: ['鱼咀', '楼下', '新洲'] },
      { name: '浸潭镇', at: [112.7451, 24.1158], streets: ['浸潭大道'], villages: ['洞口', '石坎', '塘坑', '大江'] },
      { name: '石潭镇', at: [112.8788, 24.0751], streets: ['石潭大道'], villages: ['石潭', '白湾', '长岭'] },
    ],
    estates: ['清新碧桂园', '御景华庭', '太和花园', '玄真名苑', '金碧华府', '明霞新城'],
  },
  {
    code: '441881', name: '英德市', short: '英德', weight: 20,
    towns: [
      { name: '英城街道', at: [113.4046, 24.1863], streets: ['和平中路', '建设路', '教育路', '英州大道', '城南路', '北门路'] },
      { name: '大站镇', at: [113.4531, 24.0742], streets: ['大站大道'], villages: ['大站', '同心', '长湖', '前锋'] },
      { name: '望埠镇', at: [113.3402, 24.2702], streets: ['望埠街'], villages: ['同心', '奇石', '莲塘', '鱼湾'] },
      { name: '浛洸镇', at: [113.1552, 24.1791], streets: ['浛洸大道', '解放路'], villages: ['秀才', '石岗', '马头'] },
      { name: '连江口镇', at: [113.3092, 23.8712], streets: ['连江口大道'], villages: ['连樟', '浈阳', '保安'] },
      { name: '西牛镇', at: [113.2188, 23.9865], streets: ['西牛大道'], villages: ['小湾', '西联', '高道'] },
      { name: '青塘镇', at: [113.5491, 24.4301], streets: ['青塘大道'], villages: ['青塘', '罗坑', '石墩'] },
      { name: '石灰铺镇', at: [113.3625, 24.3611], streets: ['石灰铺街'], villages: ['石灰铺', '新建', '朝阳'] },
    ],
    estates: ['英德碧桂园', '奥园英德', '英州新城', '峰林御景', '东岸花园', '华粤新天地'],
  },
  {
    code: '441882', name: '连州市', short: '连州', weight: 11,
    towns: [
      { name: '连州镇', at: [112.3771, 24.7805], streets: ['中山南路', '湟川路', '城北路', '新城大道', '南门路', '文化路'] },
      { name: '星子镇', at: [112.5182, 24.8805], streets: ['星子大道'], villages: ['星子', '清江', '黄村'] },
      { name: '保安镇', at: [112.4321, 24.6771], streets: ['保安大道'], villages: ['卿罡', '新联', '保安'] },
      { name: '西岸镇', at: [112.3221, 24.8365], streets: ['西岸街'], villages: ['冲口', '马带', '东村'] },
      { name: '东陂镇', at: [112.3005, 24.9955], streets: ['东陂街'], villages: ['东陂', '卫民', '白石'] },
      { name: '龙坪镇', at: [112.2455, 24.6755], streets: ['龙坪街'], villages: ['孔围', '龙坪', '元璧'] },
    ],
    estates: ['连州碧桂园', '湟川名苑', '燕喜花园', '连州新城', '北湖御景'],
  },
  {
    code: '441821', name: '佛冈县', short: '佛冈', weight: 9,
    towns: [
      { name: '石角镇', at: [113.5322, 23.8792], streets: ['广州路', '府前路', '环城东路', '振兴路', '民安路'] },
      { name: '汤塘镇', at: [113.3935, 23.7715], streets: ['汤塘大道'], villages: ['汤塘', '围镇', '黄花'] },
      { name: '龙山镇', at: [113.5991, 23.9302], streets: ['龙山大道'], villages: ['上岳', '龙南', '官山'] },
      { name: '高岗镇', at: [113.6271, 24.0112], streets: ['高岗街'], villages: ['高岗', '宝山', '三八'] },
      { name: '水头镇', at: [113.4511, 24.0505], streets: ['水头街'], villages: ['水头', '莲瑶', '王田'] },
    ],
    estates: ['佛冈碧桂园', '聚龙湾', '佛冈新城', '观山悦', '龙腾花园'],
  },
  {
    code: '441823', name: '阳山县', short: '阳山', weight: 9,
    towns: [
      { name: '阳城镇', at: [112.6412, 24.4652], streets: ['贤令路', '城南路', '北门路', '朝阳路', '韩愈路', '连江路'] },
      { name: '七拱镇', at: [112.7545, 24.3985], streets: ['七拱街'], villages: ['七拱', '新圩', '大陂'] },
      { name: '黎埠镇', at: [112.5245, 24.5355], streets: ['黎埠街'], villages: ['黎埠', '扶村', '界滩'] },
      { name: '杜步镇', at: [112.6785, 24.2855], streets: ['杜步街'], villages: ['杜步', '大桥', '峡头'] },
      { name: '小江镇', at: [112.7605, 24.5805], streets: ['小江街'], villages: ['小江', '黄埔', '联合'] },
      { name: '青莲镇', at: [112.6951, 24.3602], streets: ['青莲街'], villages: ['青莲', '水井', '东江'] },
    ],
    estates: ['阳山碧桂园', '贤令山庄', '阳城新天地', '韩愈公园小区'],
  },
  {
    code: '441825', name: '连山壮族瑶族自治县', short: '连山', weight: 4,
    towns: [
      { name: '吉田镇', at: [112.0931, 24.5705], streets: ['永福路', '鹿鸣路', '新民路', '城东路'] },
      { name: '太保镇', at: [112.1621, 24.5155], streets: ['太保街'], villages: ['太保', '欧家', '民族'] },
      { name: '禾洞镇', at: [112.0151, 24.6495], streets: ['禾洞街'], villages: ['禾洞', '黎洞', '山联'] },
      { name: '福堂镇', at: [111.9805, 24.4455], streets: ['福堂街'], villages: ['福堂', '福和', '新联'] },
      { name: '永和镇', at: [112.0455, 24.3855], streets: ['永和街'], villages: ['永和', '大旭', '白石'] },
    ],
    estates: ['鹿鸣花园', '连山新城', '福园小区'],
  },
  {
    code: '441826', name: '连南瑶族自治县', short: '连南', weight: 5,
    towns: [
      { name: '三江镇', at: [112.2901, 24.7261], streets: ['顺德路', '民族路', '城北路', '瑶排路', '湟川路'] },
      { name: '寨岗镇', at: [112.3651, 24.5355], streets: ['寨岗街'], villages: ['寨岗', '新寨', '金坑'] },
      { name: '大麦山镇', at: [112.1855, 24.6305], streets: ['大麦山街'], villages: ['大麦山', '上洞', '黄莲'] },
      { name: '香坪镇', at: [112.2755, 24.6855], streets: ['香坪街'], villages: ['香坪', '盘石', '大竹湾'] },
      { name: '涡水镇', at: [112.1651, 24.8155], streets: ['涡水街'], villages: ['涡水', '大古坳', '马头冲'] },
    ],
    estates: ['瑶城花园', '连南新城', '三江名苑'],
  },
];

export function districtOf(code: string): District {
  const d = DISTRICTS.find((x) => x.code === code);
  if (!d) throw new Error(`no district ${code}`);
  return d;
}
