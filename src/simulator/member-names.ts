import type { Rng } from './random.js';

/** Which naming habits a group's members follow. */
export type NameLocale = 'zh' | 'en';

const ZH_SURNAMES = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '黄',
  '赵',
  '吴',
  '周',
  '徐',
  '孙',
  '马',
  '朱',
  '胡',
  '郭',
  '何',
  '林',
  '高',
  '罗',
  '郑',
  '梁',
  '谢',
  '宋',
  '唐',
  '许',
  '韩',
  '冯',
  '邓',
  '曹',
  '彭',
  '曾',
  '肖',
  '田',
  '董',
  '袁',
  '潘',
  '蒋',
  '蔡',
  '余',
  '杜',
  '叶',
  '程',
  '苏',
  '魏',
  '吕',
  '丁',
  '沈',
  '任',
  '姚',
  '卢',
  '钟',
  '姜',
  '崔',
  '谭',
  '陆',
  '范',
  '汪',
  '廖',
  '石',
  '金',
  '贾',
  '夏',
  '方',
  '邹',
  '熊',
  '白',
  '孟',
  '秦',
  '邱',
  '侯',
  '江',
];
const ZH_GIVEN = [
  '伟',
  '芳',
  '娜',
  '敏',
  '静',
  '丽',
  '强',
  '磊',
  '洋',
  '艳',
  '勇',
  '军',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
  '霞',
  '平',
  '刚',
  '华',
  '玲',
  '辉',
  '鑫',
  '宇',
  '浩',
  '婷',
  '雪',
  '琳',
  '晨',
  '欣',
  '悦',
  '佳',
  '怡',
  '子',
  '轩',
  '涵',
  '博',
  '文',
  '思',
  '雨',
  '梓',
  '嘉',
  '诺',
  '俊',
  '昊',
  '然',
  '晓',
  '蕾',
  '瑶',
  '凯',
  '阳',
  '一',
  '帆',
  '岚',
  '清',
  '逸',
  '航',
  '舟',
  '恒',
  '远',
  '安',
  '宁',
  '彤',
  '萱',
  '楠',
  '锐',
  '哲',
  '翔',
  '璐',
  '颖',
  '薇',
];
const ZH_NICK_WORDS = [
  '橙子',
  '小鱼',
  '豆包',
  '阿狸',
  '土豆',
  '柠檬',
  '麦兜',
  '饭团',
  '青柚',
  '米粒',
  '芒果',
  '可乐',
  '大熊',
  '海盐',
  '栗子',
  '糯米',
  '雪糕',
  '山竹',
  '木木',
  '七七',
  '团子',
  '布丁',
  '奶茶',
  '咸鱼',
];
const ZH_NICK_STYLES = ['爱吃', '快乐的', '不吃香菜的', '早睡的', '努力的', '佛系', '会飞的', '路过的'];
const ZH_CITIES = ['北京', '上海', '深圳', '广州', '杭州', '成都', '武汉', '南京', '西安', '厦门', '苏州', '长沙', '重庆', '青岛'];
const ZH_ROLES = ['运营', '产品', '设计', '财务', '老板', '宝妈', '学生', '程序员', '销售', '老师', '摄影', '自由职业'];
const DECORATIONS = ['🌸', '🍀', '🌙', '☀️', '🐳', '🌿', '✨', '🍊', '🐱', '🎈'];
const LATIN_NICKS = ['Momo', 'Coco', 'Leo', 'Kiki', 'Ivy', 'Max', 'Yoyo', 'Nina', 'Sunny', 'Echo', 'Lucky', 'Tina', 'Kevin', 'Amy'];

const EN_FIRST = [
  'Alex',
  'Jordan',
  'Sam',
  'Priya',
  'Lena',
  'Marco',
  'Sofia',
  'Daniel',
  'Hannah',
  'Tom',
  'Aisha',
  'Lukas',
  'Emma',
  'Noah',
  'Mia',
  'Oliver',
  'Chloe',
  'Ethan',
  'Zoe',
  'Ravi',
  'Ines',
  'Felix',
  'Nora',
  'Jonas',
  'Grace',
  'Mateo',
  'Yuki',
  'Omar',
  'Clara',
  'Ben',
  'Leah',
  'Theo',
  'Maya',
  'Diego',
  'Anya',
  'Kenji',
  'Fatima',
  'Liam',
  'Elif',
  'Hugo',
  'Wei',
  'Mei',
  'Jun',
  'Tariq',
  'Freya',
  'Nikhil',
  'Sara',
  'Pablo',
  'Ada',
  'Kofi',
];
const EN_LAST = [
  'Smith',
  'Müller',
  'Garcia',
  'Chen',
  'Patel',
  'Kim',
  'Novak',
  'Rossi',
  'Johnson',
  'Nguyen',
  'Schmidt',
  'Okafor',
  'Silva',
  'Brown',
  'Tanaka',
  'Kowalski',
  'Dubois',
  'Larsen',
  'Haddad',
  'Park',
  'Fischer',
  'Moreau',
  'Wright',
  'Ivanova',
  'Costa',
  'Singh',
  'Weber',
  'Lopez',
  'Walsh',
  'Zhang',
  'Berg',
  'Ahmed',
  'Clarke',
  'Sato',
];
const EN_HANDLE_WORDS = ['nightowl', 'pixel', 'fern', 'rocket', 'maple', 'byte', 'river', 'nomad', 'cobalt', 'sprout', 'orbit', 'pepper'];

function zhFullName(rng: Rng): string {
  const given = rng.chance(0.6) ? rng.pick(ZH_GIVEN) + rng.pick(ZH_GIVEN) : rng.pick(ZH_GIVEN);
  return rng.pick(ZH_SURNAMES) + given;
}

function zhName(rng: Rng): string {
  const roll = rng.float();
  if (roll < 0.3) return zhFullName(rng);
  if (roll < 0.45) return (rng.chance(0.5) ? '小' : '阿') + rng.pick(ZH_GIVEN);
  if (roll < 0.6) return rng.pick(ZH_NICK_STYLES) + rng.pick(ZH_NICK_WORDS);
  if (roll < 0.7) {
    const c = rng.pick(ZH_GIVEN);
    return c + c;
  }
  if (roll < 0.8) return rng.pick(LATIN_NICKS) + (rng.chance(0.5) ? rng.pick(DECORATIONS) : '');
  if (roll < 0.9) return rng.pick(ZH_NICK_WORDS) + rng.pick(DECORATIONS);
  // Networking groups ask for "name-city-role" nicknames; many comply.
  return `${zhFullName(rng)}-${rng.pick(ZH_CITIES)}-${rng.pick(ZH_ROLES)}`;
}

function enName(rng: Rng): string {
  const first = rng.pick(EN_FIRST);
  const last = rng.pick(EN_LAST);
  const roll = rng.float();
  if (roll < 0.4) return `${first} ${last}`;
  if (roll < 0.55) return `${first} ${last.charAt(0)}.`;
  if (roll < 0.7) return first;
  if (roll < 0.82) return `${first.toLowerCase()}_${last.toLowerCase()}${rng.chance(0.5) ? rng.int(1, 99) : ''}`;
  if (roll < 0.92) return `${rng.pick(EN_HANDLE_WORDS)}${rng.int(2, 999)}`;
  return `${first} ${rng.pick(DECORATIONS)}`;
}

/**
 * A display name as members of a `locale` group tend to pick: real names,
 * nicknames, handles, sometimes with emoji or a "name-city-role" suffix.
 */
export function memberName(rng: Rng, locale: NameLocale): string {
  // Mixed communities are normal: some Chinese groups have English names and vice versa.
  const other = rng.chance(0.12);
  if (locale === 'zh') return other ? enName(rng) : zhName(rng);
  return other ? zhName(rng) : enName(rng);
}

/** A plain name for staff, who decorate it with a role ("王芳老师", "Coach Lena"). */
export function staffName(rng: Rng, locale: NameLocale): string {
  if (locale === 'zh') return rng.pick(ZH_SURNAMES) + rng.pick(ZH_GIVEN);
  return rng.pick(EN_FIRST);
}

/** The name a member switches to when they rename themselves. */
export function renamedName(rng: Rng, previous: string, locale: NameLocale): string {
  const roll = rng.float();
  if (locale === 'zh') {
    if (roll < 0.4) return `${previous}-${rng.pick(ZH_CITIES)}`;
    if (roll < 0.6) return `${previous}${rng.pick(DECORATIONS)}`;
    return zhName(rng);
  }
  if (roll < 0.3) return `${previous} ${rng.pick(DECORATIONS)}`;
  if (roll < 0.5) return `${previous} | ${rng.pick(['Berlin', 'NYC', 'London', 'Lisbon', 'Singapore', 'Toronto'])}`;
  return enName(rng);
}
