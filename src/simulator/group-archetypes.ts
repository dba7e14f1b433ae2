import type { GroupType, SimulatedGroup } from './community-simulator.js';
import type { NameLocale } from './member-names.js';

/**
 * What each kind of group talks about, in Chinese and English. Templates use
 * `{t}` for one of the group's topics and `{n}` for a number (link ids, streak days).
 * All texts are written for this simulator.
 */

/** A theme's wording in one language. */
export interface ThemeText {
  readonly title: string;
  readonly theme: string;
  readonly audience: string;
  readonly topics: readonly string[];
}

/** One concrete subject a group of some type can be about. */
export interface GroupTheme {
  readonly purpose: SimulatedGroup['purpose'];
  readonly zh: ThemeText;
  readonly en: ThemeText;
}

/** The lines members of a group type write, in one language. */
export interface PhraseBank {
  readonly questions: readonly string[];
  readonly answers: readonly string[];
  readonly chatter: readonly string[];
  readonly shares: readonly string[];
  readonly announcements: readonly string[];
  /** Answers ordinary members give; staff use `answers`. Defaults to `answers`. */
  readonly peerAnswers?: readonly string[];
  /** How admins decorate their display name; `{name}` is a generated name. */
  readonly staffNames: readonly string[];
}

/** Everything that makes one group type sound and behave like itself. */
export interface GroupArchetype {
  readonly themes: readonly GroupTheme[];
  readonly zh: PhraseBank;
  readonly en: PhraseBank;
  /** Share of conversations that start with a question (service groups ask more). */
  readonly questionShare: number;
  /** Share of conversations that start with a shared link, file or photo. */
  readonly shareShare: number;
  /** Weekend volume relative to weekdays: hobby groups rise, work groups fall. */
  readonly weekendFactor: number;
}

const interest: GroupArchetype = {
  questionShare: 0.22,
  shareShare: 0.18,
  weekendFactor: 1.25,
  themes: [
    {
      purpose: 'interest',
      zh: { title: '烘焙爱好者交流群', theme: '家庭烘焙', audience: '家庭烘焙爱好者', topics: ['戚风蛋糕', '欧包', '可颂', '巴斯克', '吐司', '马卡龙', '酸种面包', '烤箱温度'] },
      en: {
        title: 'Sourdough & Bakes Club',
        theme: 'home baking',
        audience: 'home bakers',
        topics: ['sourdough starter', 'croissants', 'banana bread', 'focaccia', 'oven temperature', 'laminated dough', 'brioche', 'rye loaf'],
      },
    },
    {
      purpose: 'interest',
      zh: { title: '周末越野跑团', theme: '越野跑', audience: '跑步爱好者', topics: ['越野鞋', '配速', '马拉松报名', '膝盖保护', '补给', '爬升训练', '长距离拉练', '跑步手表'] },
      en: {
        title: 'Weekend Trail Runners',
        theme: 'trail running',
        audience: 'amateur runners',
        topics: ['trail shoes', 'pacing', 'race registration', 'knee pain', 'energy gels', 'hill repeats', 'long runs', 'GPS watches'],
      },
    },
    {
      purpose: 'interest',
      zh: { title: '胶片摄影同好会', theme: '胶片摄影', audience: '胶片摄影玩家', topics: ['彩色负片', '冲扫', '135相机', '过期胶卷', '测光', '暗房', '中画幅', '扫描仪'] },
      en: {
        title: 'Film Photo Friends',
        theme: 'film photography',
        audience: 'analog photographers',
        topics: ['Portra 400', 'home developing', 'rangefinders', 'expired film', 'metering', 'darkroom prints', 'medium format', 'scanning'],
      },
    },
    {
      purpose: 'interest',
      zh: { title: '桌游约局群', theme: '桌游', audience: '本地桌游玩家', topics: ['卡坦岛', '阿瓦隆', '剧本杀', '璀璨宝石', '周六局', '新手教学', '扩展包', '狼人杀'] },
      en: {
        title: 'Board Game Night',
        theme: 'board games',
        audience: 'local board gamers',
        topics: ['Catan', 'Wingspan', 'Gloomhaven', 'game night', 'teaching rules', 'expansions', 'co-op games', 'Azul'],
      },
    },
    {
      purpose: 'interest',
      zh: { title: '多肉绿植养护群', theme: '绿植养护', audience: '植物爱好者', topics: ['多肉', '龟背竹', '浇水频率', '换盆', '虫害', '配土', '补光灯', '扦插'] },
      en: {
        title: 'Plant Parents',
        theme: 'houseplants',
        audience: 'houseplant owners',
        topics: ['monstera', 'watering schedule', 'repotting', 'fungus gnats', 'soil mix', 'grow lights', 'propagation', 'pothos'],
      },
    },
  ],
  zh: {
    questions: [
      '大家{t}一般怎么弄？',
      '新手想入门{t}，有什么推荐吗？',
      '有人试过{t}吗？效果怎么样？',
      '周末有人一起搞{t}吗？',
      '{t}老是失败，是哪里出问题了？',
      '请教一下{t}有什么要注意的？',
      '{t}哪里买比较靠谱？',
      '第一次接触{t}，从哪开始比较好？',
    ],
    answers: [
      '我一般先看教程再慢慢试，多练几次就好了',
      '别急，{t}多半是温度或者时间的问题',
      '先从简单的开始，别一上来就挑战难的',
      '我之前也遇到过，换了个方法就好了',
      '群文件里有整理好的资料，可以先看看',
      '可以翻翻群主之前发的那篇',
      '入门款就够用了，性价比最高',
      '私聊你详细说哈',
    ],
    chatter: [
      '今天又成功了一次{t}，开心',
      '哈哈哈哈',
      '太好看了吧',
      '学到了',
      '周末天气不错',
      '真的假的',
      '羡慕了',
      '我也想试试{t}',
      '+1',
      '这个厉害',
      '晚上好各位',
      '刚下班，爬了下楼',
      '有道理',
      '好的好的',
      '收藏了',
    ],
    shares: ['分享一下今天的成果', '周末的作品，请大家指点', '整理了一份{t}的心得，供参考', '发个教程 https://video.example/v/{n}', '看到一个不错的{t}视频 https://video.example/v/{n}'],
    announcements: [
      '【群公告】本周六下午线下活动，地点见群文件，想来的接龙～',
      '【提醒】群内禁止发广告，违者直接移出',
      '本月主题：{t}，欢迎大家晒作品！',
      '新朋友请先看群公告，改一下群昵称哦',
      '本周精华内容已整理到群文件，自取',
    ],
    staffNames: ['群主-{name}', '{name}（管理员）'],
  },
  en: {
    questions: [
      'How do you all handle {t}?',
      'Any tips for a beginner getting into {t}?',
      'Has anyone tried {t}? Worth it?',
      'Anyone up for {t} this weekend?',
      'My {t} keeps failing, what am I doing wrong?',
      'What should I watch out for with {t}?',
      'Where do you buy stuff for {t}?',
      'Best place to start with {t}?',
    ],
    answers: [
      'Honestly just practice, it clicked for me after a few tries',
      'Usually that is a temperature or timing thing',
      'Start simple, do not jump straight into the hard stuff',
      'Had the same issue, switching my approach fixed it',
      'Check the pinned resources, there is a good guide',
      'The starter kit is plenty to begin with',
      'I can DM you what worked for me',
      'Try going slower and give it more time',
    ],
    chatter: [
      'Finally nailed {t} today!',
      'haha',
      'That looks amazing',
      'TIL',
      'Nice weather for it this weekend',
      'No way',
      'So jealous',
      'I want to try {t} too',
      '+1',
      'Love this',
      'Evening all',
      'Just catching up on the chat',
      'Good point',
      'Saved!',
      'Same here',
    ],
    shares: [
      'Here is what I made this weekend',
      'Sharing my notes on {t}, hope it helps',
      'Great video on {t}: https://video.example/v/{n}',
      'Feedback welcome on this one',
      'Found a neat write-up on {t} https://blog.example/p/{n}',
    ],
    announcements: [
      '📌 Meetup this Saturday afternoon, details pinned. Reply if you are coming!',
      'Reminder: no ads or self-promo without asking the admins first',
      'This month’s theme: {t}. Show us what you make!',
      'New folks: please read the pinned rules and say hi',
      'Weekly highlights are up in the pinned doc',
    ],
    staffNames: ['{name} (admin)', '{name} | host'],
  },
};

const resource: GroupArchetype = {
  questionShare: 0.2,
  shareShare: 0.38,
  weekendFactor: 1.0,
  themes: [
    {
      purpose: 'sell',
      zh: { title: '每日好价羊毛群', theme: '优惠好价', audience: '精打细算的上班族', topics: ['优惠券', '满减', '拼单', '会员卡', '秒杀', '返利', '大促', '包邮'] },
      en: {
        title: 'Daily Deals Drop',
        theme: 'deals and coupons',
        audience: 'bargain hunters',
        topics: ['coupon codes', 'flash sales', 'price drops', 'cashback', 'bundles', 'free shipping', 'student discounts', 'gift cards'],
      },
    },
    {
      purpose: 'sell',
      zh: { title: '设计素材分享群', theme: '设计素材', audience: '设计师和新媒体运营', topics: ['字体', 'PPT模板', '图标', '样机', '插画', '配色', '商用授权', '海报'] },
      en: {
        title: 'Design Freebies',
        theme: 'design assets',
        audience: 'designers and marketers',
        topics: ['fonts', 'mockups', 'icon sets', 'Figma kits', 'stock photos', 'color palettes', 'licensing', 'UI templates'],
      },
    },
    {
      purpose: 'network',
      zh: { title: '远程工作机会分享', theme: '远程工作', audience: '自由职业者', topics: ['远程岗位', '兼职', '简历', '面试', '外包项目', '薪资', '时差', '合同'] },
      en: {
        title: 'Remote Jobs Board',
        theme: 'remote work',
        audience: 'freelancers and remote workers',
        topics: ['remote roles', 'contract gigs', 'resumes', 'interviews', 'freelance rates', 'time zones', 'visa sponsorship', 'portfolios'],
      },
    },
    {
      purpose: 'sell',
      zh: { title: '考证资料互助群', theme: '考证资料', audience: '备考人群', topics: ['真题', '笔记', '网课', '电子书', '复习计划', '题库', '押题', '打卡'] },
      en: {
        title: 'Free Learning Resources',
        theme: 'learning materials',
        audience: 'self-learners',
        topics: ['ebooks', 'course notes', 'cheat sheets', 'practice exams', 'tutorials', 'podcasts', 'reading lists', 'open courses'],
      },
    },
  ],
  zh: {
    questions: ['{t}还有吗？', '这个{t}链接失效了，谁有新的？', '求一份{t}，谢谢大家？', '{t}是永久有效的吗？', '有没有人一起拼{t}？', '这个{t}能商用吗？', '刚才发的{t}在哪里领？', '{t}怎么用啊？'],
    answers: ['还有，刚领完', '已更新，看群公告', '私发你了', '商用要看授权说明', '点链接进去，第二步填码就行', '今晚八点还有一波', '过期了，等下一批', '群文件里有'],
    chatter: ['冲了冲了', '已下单', '手慢了没抢到', '谢谢分享', '好用！', '这个价格可以', '已领', '马克一下', '蹲一个{t}', '又没抢到😭', '好物', '这波不亏'],
    shares: [
      '【好价】{t}，链接：https://deal.example/s/{n}',
      '今日{t}汇总，先到先得 https://deal.example/s/{n}',
      '整理了一批{t}，网盘：https://pan.example/s/{n}',
      '{t}更新了，大家自取',
      '新到一批{t}，需要的看群文件',
    ],
    announcements: ['【群规】只发真实好价，禁止拉人头', '每天中午12点、晚上8点集中更新，请留意', '所有链接均为群主实测，失效请@管理员', '请勿私加群友推销，发现即踢', '本群{t}资源已整理到群文件'],
    staffNames: ['{name}（福利官）', '群主{name}'],
  },
  en: {
    questions: [
      'Is the {t} deal still live?',
      'That {t} link is dead, anyone have a new one?',
      'Looking for {t}, any leads?',
      'Does the {t} code work outside the US?',
      'Anyone want to split {t}?',
      'Can I use these {t} commercially?',
      'Where do I claim the {t} from earlier?',
      'How does the {t} one work?',
    ],
    answers: [
      'Still works, just used it',
      'Updated link is in the pinned post',
      'DMed you',
      'Check the license file, most are fine for commercial use',
      'Click through and enter the code at checkout',
      'Another batch drops tonight',
      'Expired unfortunately, next round soon',
      'It is in the shared folder',
    ],
    chatter: [
      'Grabbed it!',
      'Ordered',
      'Missed it again',
      'Thanks for sharing',
      'Works great',
      'Decent price',
      'Claimed',
      'Bookmarking this',
      'Waiting for {t}',
      'Sold out already 😭',
      'Solid find',
      'Not bad at all',
    ],
    shares: [
      '🔥 {t}: https://deal.example/s/{n}',
      'Today’s {t} roundup, first come first served https://deal.example/s/{n}',
      'Big {t} pack here: https://files.example/d/{n}',
      'New {t} added to the folder',
      'Fresh batch of {t}, link pinned',
    ],
    announcements: [
      'Rules: real deals only, no referral spam',
      'Drops happen around noon and 8pm, turn on notifications',
      'Every link is tested by the admins; report dead ones to us',
      'Do not DM members to sell things, you will be removed',
      'All {t} resources are now in the pinned folder',
    ],
    staffNames: ['{name} (deals)', '{name} | admin'],
  },
};

const consultant: GroupArchetype = {
  questionShare: 0.45,
  shareShare: 0.1,
  weekendFactor: 0.55,
  themes: [
    {
      purpose: 'service',
      zh: { title: '留学申请答疑群', theme: '留学申请', audience: '申请季学生和家长', topics: ['文书', '雅思', '选校', '推荐信', '签证', '奖学金', '面试', '截止日期'] },
      en: {
        title: 'Study Abroad Q&A',
        theme: 'study abroad applications',
        audience: 'applicants and parents',
        topics: ['personal statement', 'IELTS', 'school list', 'recommendation letters', 'student visa', 'scholarships', 'interviews', 'deadlines'],
      },
    },
    {
      purpose: 'service',
      zh: { title: '小微企业财税服务群', theme: '财税服务', audience: '小微企业主', topics: ['发票', '个税', '社保', '记账', '汇算清缴', '税务登记', '报销', '小规模纳税人'] },
      en: {
        title: 'Freelancer Tax Clinic',
        theme: 'tax and bookkeeping',
        audience: 'freelancers and small businesses',
        topics: ['invoices', 'VAT', 'quarterly estimates', 'bookkeeping', 'deductions', 'receipts', 'tax returns', 'self-employment tax'],
      },
    },
    {
      purpose: 'service',
      zh: { title: '减脂训练营服务群', theme: '健身减脂', audience: '付费学员', topics: ['饮食打卡', '热量缺口', '力量训练', '体脂', '平台期', '蛋白质', '睡眠', '拉伸'] },
      en: {
        title: 'Coaching Client Lounge',
        theme: 'fitness coaching',
        audience: 'coaching clients',
        topics: ['meal logs', 'calorie deficit', 'strength training', 'body fat', 'plateaus', 'protein', 'sleep', 'mobility'],
      },
    },
    {
      purpose: 'service',
      zh: { title: '签证移民咨询群', theme: '签证移民', audience: '办理签证的客户', topics: ['工签', '绿卡', '材料清单', '公证', '加急', '续签', '体检', '面签'] },
      en: {
        title: 'Visa & Relocation Help',
        theme: 'visas and relocation',
        audience: 'relocating professionals',
        topics: ['work permits', 'blue card', 'document checklist', 'apostille', 'appointments', 'renewals', 'health insurance', 'address registration'],
      },
    },
  ],
  zh: {
    questions: [
      '老师好，{t}这块我该怎么准备？',
      '想问下{t}一般需要多久？',
      '{t}的材料要提前多久交？',
      '我这种情况{t}能办吗？',
      '{t}费用大概多少？',
      '{t}有没有什么常见的坑？',
      '请问{t}需要本人到场吗？',
      '上次说的{t}，有进展了吗？',
    ],
    peerAnswers: [
      '我上次也问过，老师说要看个人情况',
      '我是两周左右办下来的，供参考',
      '同问，等老师回复',
      '群文件里有清单，可以先看看',
      '我当时也是这个情况，后来补了材料就行了',
      '建议直接约老师一对一',
    ],
    answers: [
      '您好，这个要看具体情况，我私信您详细聊',
      '一般需要2到4周，建议尽早准备',
      '材料清单发群文件了，按清单来就行',
      '可以办，但要先补一份证明',
      '上周刚处理过类似的，没问题',
      '建议先预约一次一对一咨询',
      '不需要本人到场，委托即可',
      '已经在跟进了，有消息第一时间通知您',
    ],
    chatter: ['谢谢老师', '收到', '明白了', '好的，我准备一下', '太感谢了', '辛苦了', '我也有同样的问题', '等消息中', '今天交材料了', '顺利通过了！', '学到了', '请问可以私聊吗'],
    shares: ['{t}最新政策解读，大家可以看看 https://news.example/a/{n}', '整理了{t}常见问题，建议收藏', '本周{t}案例分享', '{t}材料模板已上传群文件', '直播回放：{t}专题 https://live.example/r/{n}'],
    announcements: [
      '【通知】本周四晚8点线上答疑，主题：{t}',
      '咨询请按“姓名+问题”的格式提问，方便我们跟进',
      '周末休息，紧急问题请私信助理',
      '{t}相关政策有调整，请大家留意',
      '新同学请先填写信息收集表',
    ],
    staffNames: ['{name}老师', '助理-{name}'],
  },
  en: {
    questions: [
      'Hi, how should I prepare for {t}?',
      'How long does {t} usually take?',
      'How early should I submit documents for {t}?',
      'Is {t} possible in my situation?',
      'Roughly what does {t} cost?',
      'Any common pitfalls with {t}?',
      'Do I need to be there in person for {t}?',
      'Any update on my {t}?',
    ],
    peerAnswers: [
      'I asked the same last month, they said it depends on your case',
      'Took about two weeks for me, for what it is worth',
      'Same question, waiting for the team',
      'The checklist in the shared folder helped me',
      'I had the same situation, one extra document sorted it',
      'Book a 1:1, it was worth it for me',
    ],
    answers: [
      'Depends on your case, I will DM you to go through it',
      'Usually 2 to 4 weeks, so start early',
      'The checklist is pinned, just follow it step by step',
      'Yes, but you need one extra document first',
      'We handled a very similar case last week, should be fine',
      'Best to book a 1:1 session so we can look at the details',
      'No need to be there, a signed authorization is enough',
      'Working on it, will update you as soon as I hear back',
    ],
    chatter: [
      'Thank you!',
      'Got it',
      'Makes sense',
      'OK, I will get that ready',
      'Really appreciate it',
      'Thanks for the quick reply',
      'Same question here',
      'Fingers crossed',
      'Submitted mine today',
      'Approved!! 🎉',
      'Good to know',
      'Can I DM you?',
    ],
    shares: [
      'Summary of the latest {t} rule changes: https://news.example/a/{n}',
      'FAQ on {t}, worth saving',
      'Case study of the week: {t}',
      'Template for {t} is in the shared folder',
      'Recording of the {t} session: https://live.example/r/{n}',
    ],
    announcements: [
      '📢 Live Q&A Thursday 8pm on {t}',
      'Please ask in the format "name + question" so we can follow up',
      'Office closed this weekend, DM the assistant for urgent issues',
      'Heads up: {t} rules have changed, check your case',
      'New clients: please fill in the intake form first',
    ],
    staffNames: ['Coach {name}', '{name} (advisor)'],
  },
};

const industry: GroupArchetype = {
  questionShare: 0.28,
  shareShare: 0.16,
  weekendFactor: 0.5,
  themes: [
    {
      purpose: 'network',
      zh: { title: '跨境电商卖家交流群', theme: '跨境电商', audience: '跨境电商卖家', topics: ['亚马逊', '独立站', '物流', '选品', '广告ACOS', '退货率', 'FBA', '旺季备货'] },
      en: {
        title: 'Cross-Border Sellers Circle',
        theme: 'cross-border e-commerce',
        audience: 'online sellers',
        topics: ['Amazon FBA', 'Shopify', 'shipping costs', 'product research', 'ad spend', 'returns', 'Q4 inventory', 'suppliers'],
      },
    },
    {
      purpose: 'network',
      zh: { title: '独立开发者交流群', theme: '独立开发', audience: '独立开发者', topics: ['出海', '订阅定价', 'SEO', '上架审核', '支付接入', '获客', '小程序', '冷启动'] },
      en: {
        title: 'Indie Hackers Weekly',
        theme: 'indie SaaS',
        audience: 'bootstrapped founders',
        topics: ['pricing', 'SEO', 'launch day', 'payments', 'churn', 'cold outreach', 'MRR', 'landing pages'],
      },
    },
    {
      purpose: 'network',
      zh: { title: 'HR同行交流群', theme: '人力资源', audience: 'HR从业者', topics: ['招聘渠道', '薪酬', '绩效', '劳动合同', '裁员', '校招', '背调', '员工关系'] },
      en: {
        title: 'People Ops Network',
        theme: 'people operations',
        audience: 'HR professionals',
        topics: ['hiring pipelines', 'compensation bands', 'performance reviews', 'onboarding', 'layoffs', 'employer branding', 'background checks', 'retention'],
      },
    },
    {
      purpose: 'network',
      zh: { title: '餐饮老板交流群', theme: '餐饮经营', audience: '餐饮店主', topics: ['外卖平台', '食材成本', '排班', '团购', '选址', '装修', '供应链', '会员营销'] },
      en: {
        title: 'Restaurant Owners Guild',
        theme: 'restaurant operations',
        audience: 'restaurant owners',
        topics: ['delivery apps', 'food costs', 'staff scheduling', 'POS systems', 'lease terms', 'menu pricing', 'suppliers', 'reviews'],
      },
    },
  ],
  zh: {
    questions: [
      '各位老板，最近{t}大家怎么样？',
      '有没有做{t}的朋友，交流一下？',
      '{t}现在还值得做吗？',
      '求推荐靠谱的{t}服务商？',
      '{t}成本涨了，大家怎么应对？',
      '{t}有什么新玩法吗？',
      '有人了解{t}的新政策吗？',
      '{t}这块有人踩过坑吗？',
    ],
    answers: [
      '我们最近也在调整，基本稳住了',
      '可以加我聊聊，我这边有资源',
      '看品类，细分市场还有机会',
      '我用的那家还行，私聊推荐',
      '压缩了一部分成本，同时提了点价',
      '试试短视频引流，效果还不错',
      '新规下个月执行，建议提前准备',
      '踩过，合同一定要写清楚',
    ],
    chatter: ['同感', '最近行情一般', '今年太卷了', '有道理', '学习了', '下周展会有人去吗', '可以链接一下', '欢迎来深圳喝茶', '这个数据很有参考价值', '互相学习', '握手🤝', '晚上有空聊聊'],
    shares: [
      '分享一份{t}行业报告 https://report.example/r/{n}',
      '我们最近{t}的复盘，供参考',
      '{t}的一些数据，大家看看',
      '下周有个{t}沙龙，感兴趣的报名 https://event.example/e/{n}',
      '{t}避坑指南，整理了一下',
    ],
    announcements: ['【群规】欢迎交流，禁止硬广，合作请私聊', '请大家修改群昵称：姓名-城市-业务', '本月线下交流会定在周五，地点待定', '{t}专题分享会报名中，名额有限', '资源对接请@群主登记'],
    staffNames: ['{name}-群主', '{name}（秘书处）'],
  },
  en: {
    questions: [
      'How is {t} going for everyone lately?',
      'Anyone here working on {t} who wants to compare notes?',
      'Is {t} still worth it in this market?',
      'Can anyone recommend a good {t} provider?',
      '{t} costs keep going up, how are you dealing with it?',
      'Any new angles on {t}?',
      'Has anyone read up on the new {t} rules?',
      'Anyone been burned by {t}?',
    ],
    answers: [
      'We adjusted last quarter and it has stabilized',
      'Happy to chat, I might have a contact for you',
      'Depends on the niche, there is still room',
      'The one we use is decent, will DM you',
      'We cut some costs and raised prices a bit',
      'Short video has worked well for us',
      'Rules kick in next month, worth preparing now',
      'Yes, get everything in writing',
    ],
    chatter: [
      'Same here',
      'Market is slow lately',
      'Brutal year',
      'Fair point',
      'Great insight',
      'Anyone going to the expo next week?',
      'Let’s connect',
      'Coffee if you are ever in town',
      'Useful numbers, thanks',
      'Always learning here',
      '🤝',
      'Free for a call tonight?',
    ],
    shares: [
      '{t} industry report worth reading https://report.example/r/{n}',
      'Our {t} retro, for what it’s worth',
      'Some {t} numbers from our side',
      'Meetup on {t} next week, sign up here https://event.example/e/{n}',
      'Wrote up a {t} pitfalls list',
    ],
    announcements: [
      'Rules: share freely, no hard selling, DM for partnerships',
      'Please set your display name to name / city / what you do',
      'Monthly meetup is Friday, venue TBD',
      'Signups open for the {t} AMA, limited spots',
      'Want an intro? Post it in the intros thread and tag the admins',
    ],
    staffNames: ['{name} (organizer)', '{name} | mod'],
  },
};

const product: GroupArchetype = {
  questionShare: 0.42,
  shareShare: 0.12,
  weekendFactor: 0.8,
  themes: [
    {
      purpose: 'service',
      zh: { title: '轻笔记用户交流群', theme: '轻笔记App', audience: '轻笔记用户', topics: ['同步', '导出PDF', '快捷键', '模板', '会员', 'iPad版', '双链', '备份'] },
      en: {
        title: 'Inkwell Notes Users',
        theme: 'the Inkwell notes app',
        audience: 'Inkwell users',
        topics: ['sync', 'PDF export', 'shortcuts', 'templates', 'the Pro plan', 'the iPad app', 'backlinks', 'backups'],
      },
    },
    {
      purpose: 'service',
      zh: { title: '小暖智能家居用户群', theme: '小暖智能家居', audience: '小暖设备用户', topics: ['网关', '联动', '温控器', '固件升级', '断网', '传感器', '自动化', '配网'] },
      en: {
        title: 'Homely Hub Owners',
        theme: 'the Homely smart hub',
        audience: 'Homely owners',
        topics: ['hub pairing', 'firmware updates', 'the thermostat', 'automations', 'sensors', 'Wi-Fi setup', 'voice assistants', 'battery life'],
      },
    },
    {
      purpose: 'service',
      zh: { title: '轻动手环用户群', theme: '轻动智能手环', audience: '手环用户', topics: ['睡眠监测', '表盘', '续航', '心率提醒', '固件升级', '数据同步', '运动模式', '消息通知'] },
      en: {
        title: 'Pulse Band Community',
        theme: 'the Pulse fitness band',
        audience: 'Pulse wearers',
        topics: ['sleep tracking', 'watch faces', 'battery life', 'heart-rate alerts', 'firmware updates', 'syncing', 'workout modes', 'notifications'],
      },
    },
    {
      purpose: 'sell',
      zh: { title: '云朵网盘会员服务群', theme: '云朵网盘', audience: '网盘会员', topics: ['自动备份', '分享链接', '会员空间', '离线下载', '回收站', '电脑客户端', '相册备份', '上传速度'] },
      en: {
        title: 'Nimbus Drive Members',
        theme: 'Nimbus cloud storage',
        audience: 'Nimbus subscribers',
        topics: ['auto backup', 'share links', 'storage upgrades', 'offline files', 'the trash folder', 'the desktop client', 'photo backup', 'upload speed'],
      },
    },
  ],
  zh: {
    questions: [
      '{t}怎么设置？',
      '更新之后{t}用不了了，是bug吗？',
      '{t}什么时候支持？',
      '请问{t}在哪里打开？',
      '{t}一直失败怎么办？',
      '{t}有没有教程？',
      '会员包含{t}吗？',
      '{t}和之前的版本有什么区别？',
    ],
    peerAnswers: ['我也遇到过，重启一下就好了', '同问，蹲一个官方回复', '我的可以用，你看看是不是版本太旧了', '在设置里翻翻，我记得有', '上次客服说下个版本会修', '帮助中心搜一下，有教程'],
    answers: [
      '设置-高级里面可以找到',
      '收到，已反馈给研发，下个版本修复',
      '在排期了，预计下个月',
      '长按首页那个按钮就能看到',
      '先退出重新登录试试，不行私信我看日志',
      '帮助中心有详细说明',
      '包含的，年度会员都有',
      '新版本优化了速度，界面也改了',
    ],
    chatter: ['好用！', '终于等到了', '这个功能太赞了', '我也遇到了', '已解决，谢谢', '期待新版本', '界面好看多了', '建议加个{t}', '同求', '客服回复好快', '用了一年了，很稳', '刚续费'],
    shares: ['分享一下我的{t}用法', '{t}小技巧，亲测好用', '做了个{t}模板，需要的拿去', '新版本的{t}体验，截图给大家看', '{t}使用教程 https://help.example/a/{n}'],
    announcements: ['【更新】新版本已上线，{t}体验优化，欢迎反馈', '本周六凌晨系统维护两小时', '会员限时优惠，详情见公众号', '遇到问题请带截图描述，方便排查', '{t}内测招募中，想参加的接龙'],
    staffNames: ['官方客服-{name}', '产品经理{name}'],
  },
  en: {
    questions: [
      'How do I set up {t}?',
      '{t} stopped working after the update, bug?',
      'When will {t} be supported?',
      'Where do I find {t}?',
      '{t} keeps failing, what should I do?',
      'Is there a guide for {t}?',
      'Is {t} included in the paid plan?',
      'What changed with {t} in the new version?',
    ],
    peerAnswers: [
      'Had the same thing, a restart fixed it for me',
      'Same question, following',
      'Works for me, maybe update to the latest version?',
      'I think it is somewhere in Settings',
      'Support told me it is fixed in the next release',
      'There is a guide in the help center',
    ],
    answers: [
      'It is under Settings → Advanced',
      'Thanks, passed it to the team, fix is in the next release',
      'It is on the roadmap for next month',
      'Long-press the button on the home screen',
      'Try signing out and back in, if not DM me your logs',
      'The help center has a step-by-step guide',
      'Yes, annual plans include it',
      'Faster, and the UI got a refresh',
    ],
    chatter: [
      'Love it!',
      'Finally!',
      'This feature is great',
      'Same issue here',
      'Fixed, thanks',
      'Can’t wait for the update',
      'UI looks so much better',
      'Would love better {t}',
      '+1 on this',
      'Support replied super fast',
      'Been using it for a year, rock solid',
      'Just renewed',
    ],
    shares: ['How I use {t}', 'Small {t} trick that works for me', 'Made a {t} template, grab it', 'Screenshots of the new {t}', '{t} tutorial: https://help.example/a/{n}'],
    announcements: [
      '🚀 New release is out: {t} is faster. Feedback welcome',
      'Scheduled maintenance Saturday 2am for about two hours',
      'Member discount this week, see the newsletter',
      'When reporting a bug, please include a screenshot',
      'Beta testers wanted for {t}, reply if interested',
    ],
    staffNames: ['{name} (support)', '{name} | team'],
  },
};

const knowledge: GroupArchetype = {
  questionShare: 0.35,
  shareShare: 0.2,
  weekendFactor: 0.9,
  themes: [
    {
      purpose: 'sell',
      zh: { title: 'Python入门训练营', theme: 'Python编程', audience: '编程初学者', topics: ['列表推导式', 'pandas', '爬虫', '虚拟环境', '作业', '报错', '函数', '正则表达式'] },
      en: {
        title: 'Python Bootcamp Cohort',
        theme: 'Python programming',
        audience: 'beginner programmers',
        topics: ['list comprehensions', 'pandas', 'web scraping', 'virtual environments', 'homework', 'tracebacks', 'decorators', 'regex'],
      },
    },
    {
      purpose: 'sell',
      zh: { title: '英语原版书共读营', theme: '英文阅读', audience: '英语学习者', topics: ['生词', '第三章', '精读', '打卡', '发音', '读后感', '长难句', '听力'] },
      en: {
        title: 'Slow Reading Club',
        theme: 'close reading',
        audience: 'readers',
        topics: ['chapter 3', 'vocabulary', 'annotations', 'reading pace', 'discussion questions', 'the ending', 'audiobooks', 'next month’s pick'],
      },
    },
    {
      purpose: 'sell',
      zh: { title: '数据分析实战课', theme: '数据分析', audience: '转行和在职学员', topics: ['SQL', 'Excel透视表', '可视化', 'AB测试', '留存分析', 'BI看板', '指标体系', '作业'] },
      en: {
        title: 'Data Analytics Lab',
        theme: 'data analytics',
        audience: 'career switchers',
        topics: ['SQL joins', 'pivot tables', 'dashboards', 'A/B tests', 'cohort retention', 'BI tools', 'metrics', 'assignments'],
      },
    },
    {
      purpose: 'sell',
      zh: { title: '理财入门读书会', theme: '个人理财', audience: '理财新手', topics: ['指数基金', '定投', '资产配置', '保险', '复利', '年化收益', '再平衡', '风险承受'] },
      en: {
        title: 'Money Basics Study Group',
        theme: 'personal finance',
        audience: 'finance beginners',
        topics: ['index funds', 'dollar-cost averaging', 'asset allocation', 'emergency funds', 'compound interest', 'rebalancing', 'ETFs', 'risk tolerance'],
      },
    },
  ],
  zh: {
    questions: [
      '{t}这里没看懂，谁能讲讲？',
      '今天的{t}作业交到哪里？',
      '{t}报错了怎么办？',
      '{t}有没有推荐的练习？',
      '{t}和上节课讲的有什么区别？',
      '学{t}之前需要先学什么？',
      '老师，{t}的回放在哪？',
      '打卡要写{t}的总结吗？',
    ],
    answers: [
      '可以先回看第二节课，讲得很细',
      '交到群文件的作业文件夹就行',
      '把报错截图发一下，大概率是路径问题',
      '推荐课后练习三，比较有代表性',
      '本质是一样的，只是写法不同',
      '先把基础过一遍就行',
      '回放链接在群公告里',
      '要的，两三百字就够了',
    ],
    chatter: ['打卡✅', '今天的课干货满满', '终于搞懂了', '作业完成', '坚持第{n}天', '一起加油', '有点难', '谢谢助教', '笔记整理好了', '期待下节课', '跟上进度了', '今天偷懒了😅'],
    shares: ['分享一下我的{t}笔记', '{t}思维导图，需要自取', '课后练习参考答案 https://notes.example/n/{n}', '推荐一篇讲{t}的文章 https://blog.example/p/{n}', '今日打卡：学习了{t}'],
    announcements: ['【上课提醒】今晚8点直播：{t}，准时参加哦', '本周作业已发布，周日晚截止', '请大家每天在群里打卡', '{t}回放已上传，没来的同学记得补课', '结营仪式下周举行，优秀学员有奖励'],
    staffNames: ['助教-{name}', '{name}老师'],
  },
  en: {
    questions: [
      'I am lost on {t}, can someone explain?',
      'Where do we submit the {t} homework?',
      'Getting an error with {t}, any ideas?',
      'Any good exercises for {t}?',
      'How is {t} different from last week?',
      'What should I learn before {t}?',
      'Where is the recording for {t}?',
      'Do we need to write a summary of {t}?',
    ],
    answers: [
      'Rewatch session two, it covers it well',
      'Upload it to the homework folder',
      'Post the error, it is usually a path issue',
      'Exercise 3 from the handout is a good one',
      'Same idea, just different syntax',
      'Just go through the basics first',
      'Recording link is pinned',
      'Yes, a short paragraph is enough',
    ],
    chatter: [
      'Done for today ✅',
      'Great session today',
      'Finally get it',
      'Homework submitted',
      'Day {n} streak',
      'Keep going everyone',
      'This one is tough',
      'Thanks to the TA',
      'Notes are up',
      'Looking forward to next week',
      'Caught up!',
      'Skipped today 😅',
    ],
    shares: [
      'My notes on {t}',
      'Mind map of {t}, help yourselves',
      'Reference solutions: https://notes.example/n/{n}',
      'Good article on {t} https://blog.example/p/{n}',
      'Today’s check-in: studied {t}',
    ],
    announcements: [
      '⏰ Live session tonight at 8pm: {t}',
      'This week’s assignment is up, due Sunday night',
      'Please post your daily check-in here',
      'Recording of {t} is up for anyone who missed it',
      'Graduation session next week, prizes for top learners',
    ],
    staffNames: ['TA {name}', '{name} (instructor)'],
  },
};

/** The archetype of every group type. */
export const GROUP_ARCHETYPES: Readonly<Record<GroupType, GroupArchetype>> = {
  interest,
  resource,
  consultant,
  industry,
  product,
  knowledge,
};

/** The phrase bank a group of `type` uses in `locale`. */
export function phraseBank(type: GroupType, locale: NameLocale): PhraseBank {
  return GROUP_ARCHETYPES[type][locale];
}
