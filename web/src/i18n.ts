import { createContext, createElement, Fragment, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { fillTemplate } from '../../src/shared/fill-template.js';

/** The dashboard's languages. */
export type Locale = 'zh-CN' | 'en';

/** Locales in the order the language switch lists them, with their own names. */
export const LOCALES: ReadonlyArray<{ code: Locale; label: string }> = [
  { code: 'zh-CN', label: '中文' },
  { code: 'en', label: 'English' },
];

const en = {
  'app.tagline': 'Community operations',
  'nav.overview': 'Overview',
  'nav.sandbox': 'Sandbox chat',
  'nav.main': 'Main navigation',
  'header.workspace': 'Workspace',
  'header.language': 'Language',
  'state.loading': 'Loading…',
  'state.loadingWhat': 'Loading {what}…',
  'state.errorTitle': 'Could not load {what}',
  'state.retry': 'Retry',
  'state.refreshFailed': 'Refresh failed, showing older data: {message}',
  'state.updated': 'Updated {time}',
  'what.workspaces': 'workspaces',
  'what.overview': 'the overview',
  'what.group': 'the group',
  'what.sandboxGroups': 'sandbox groups',
  'what.sandboxLog': 'the conversation',
  'error.noWorkspaces': 'This server has no workspaces yet.',
  'error.unknownWorkspace': 'There is no workspace “{slug}”.',
  'error.openFirstWorkspace': 'Open {name}',
  'notFound.title': 'Page not found',
  'notFound.body': 'Nothing lives at {path}.',
  'notFound.back': 'Back to overview',
  'overview.title': 'Overview',
  'overview.asOf': 'As of {time}',
  'totals.groups': 'Groups',
  'totals.members': 'Members',
  'totals.messagesToday': 'Messages today',
  'totals.activeToday': 'Active today',
  'totals.joinsToday': 'Joins today',
  'totals.leavesToday': 'Leaves today',
  'totals.yesterday': 'Yesterday {value}',
  'totals.silentGroups': '{count} silent 12h+',
  'totals.allActive': 'All active in the last 12h',
  'totals.perGroup': '{value} per group',
  'totals.net': 'Net {value} today',
  'totals.ofMembers': '{value} of members',
  'chart.title': 'Activity, last {days} days',
  'chart.messages': 'Messages',
  'chart.activeMembers': 'Active members',
  'chart.joins': 'Joins',
  'chart.leaves': 'Leaves',
  'chart.net': 'Net',
  'chart.members': 'Members',
  'chart.aria': 'Daily messages, active members, joins and leaves over the last {days} days',
  'groups.title': 'Groups',
  'groups.count': '{shown} of {total}',
  'groups.filter': 'Filter by name',
  'groups.empty': 'No groups yet.',
  'groups.noMatch': 'No group name contains “{query}”.',
  'groups.silent': 'Silent {duration}',
  'groups.silentHint': 'No message for 12 hours or more',
  'groups.neverActive': 'No messages yet',
  'groups.sparkline': '{total} messages in {days} days',
  'groups.sortBy': 'Sort by {column}',
  'col.name': 'Group',
  'col.platform': 'Platform',
  'col.type': 'Type',
  'col.members': 'Members',
  'col.today': 'Today',
  'col.last7': 'Last 7 days',
  'col.messages': 'Messages',
  'col.active': 'Active',
  'col.joins': 'Joins',
  'col.leaves': 'Leaves',
  'col.trend': '30-day trend',
  'col.lastMessage': 'Last message',
  'platform.wechat': 'WeChat',
  'platform.telegram': 'Telegram',
  'platform.discord': 'Discord',
  'platform.sandbox': 'Sandbox',
  'group.back': 'All groups',
  'group.profile': 'Profile',
  'group.platform': 'Platform',
  'group.type': 'Type',
  'group.purpose': 'Purpose',
  'group.theme': 'Theme',
  'group.audience': 'Audience',
  'group.timezone': 'Time zone',
  'group.members': 'Members',
  'group.today': 'Today',
  'group.last7': 'Last 7 days',
  'group.perDay': '{value} / day',
  'health.title': 'Health and life cycle',
  'health.what': "the group's health",
  'health.score': 'health score',
  'health.asOf': 'As of {day}',
  'health.parts': 'Parts of the score',
  'health.hours': '{value} h',
  'health.minutes': '{value} min',
  'health.stage.launch': 'Launch',
  'health.stage.growth': 'Growth',
  'health.stage.mature': 'Mature',
  'health.stage.declining': 'Declining',
  'health.stage.dormant': 'Dormant',
  'health.why.launch': 'First message less than 28 days ago, or none yet.',
  'health.why.growth': 'The last 28 days hold at least 125% of the messages of the 28 days before.',
  'health.why.mature': 'Steady: the last 28 days hold 60%–125% of the messages of the 28 days before.',
  'health.why.declining': 'The last 28 days fell to 60% or less of the 28 before (or the last 14 to half of the 14 before).',
  'health.why.dormant': 'No message for 14 days or more: more than two weeks of silence makes a dead group.',
  'health.part.activeDays': 'Weekly active days',
  'health.part.silence': 'Silence (12-hour rule)',
  'health.part.speakers': 'Speakers this week',
  'health.part.newSpeakers': 'New speakers',
  'health.part.spread': 'Spread (80/20)',
  'health.part.responses': 'Answers to questions',
  'health.part.trend': 'Trend',
  'health.fig.weeklyActiveDays': 'Weekly active days',
  'health.fig.messagesOnActiveDays': 'Messages per active day',
  'health.fig.daysSinceLast': 'Days since the last message',
  'health.fig.last28': 'Messages, last 28 days',
  'health.fig.prev28': 'Messages, the 28 days before',
  'health.fig.speakers7': 'Speakers, last 7 days',
  'health.fig.newSpeakers28': 'New speakers, last 28 days',
  'health.fig.longestSilence': 'Longest silence, last 7 days',
  'health.fig.top20': 'Top 20% share of messages',
  'health.fig.questions': 'Questions answered, last 28 days',
  'health.fig.medianResponse': 'Median first response',
  'health.chart.messages': 'Messages',
  'health.chart.weekly': 'Weekly active days',
  'health.chart.aria': 'Messages per day and weekly active days, last {days} days',
  'group.openSandbox': 'Open in sandbox chat',
  'group.invalidId': '“{id}” is not a group id.',
  'sandbox.title': 'Sandbox chat',
  'sandbox.intro': 'Talk to the bot as a simulated member. The simulated community keeps going in the background; the conversation refreshes every few seconds.',
  'sandbox.group': 'Group',
  'sandbox.noGroups': 'There are no sandbox groups on this server.',
  'sandbox.empty': 'No messages yet. Say something!',
  'sandbox.member': 'Member',
  'sandbox.memberPlaceholder': 'e.g. alice',
  'sandbox.text': 'Message',
  'sandbox.textPlaceholder': 'Type as this member…',
  'sandbox.send': 'Send',
  'sandbox.join': 'Join',
  'sandbox.leave': 'Leave',
  'sandbox.code': 'Invite code',
  'sandbox.codePlaceholder': 'optional',
  'sandbox.needMember': 'Enter a member name first.',
  'sandbox.needText': 'Type a message first.',
  'sandbox.bot': 'bot',
  'sandbox.joined': '{name} joined',
  'sandbox.left': '{name} left',
  'sandbox.reacted': '{name} reacted {emoji}',
  'sandbox.renamed': '{name} changed their name',
  'sandbox.renamedTo': '{name} is now called {text}',
  'sandbox.replyTo': 'Reply to {name}',
  'sandbox.replyToUnknown': 'Reply to an earlier message',
  'sandbox.response': 'Bot response',
  'sandbox.responseTo': 'To {what} by {name}',
  'sandbox.responseNone': 'The bot took no action.',
  'sandbox.responseEmpty': 'Send a message, or join or leave as a member, to see what the bot does.',
  'sandbox.did.say': 'message',
  'sandbox.did.join': 'join',
  'sandbox.did.leave': 'leave',
  'sandbox.live': 'Live',
  'sandbox.paused': 'Paused while the tab is hidden',
  'sandbox.showing': 'Last {count} entries',
  'sandbox.jumpToLatest': 'New messages below',
  'sandbox.hint': 'Enter to send, Shift+Enter for a new line',
  'sandbox.failed': 'Failed: {message}',
  'sandbox.openOverview': 'Group page',
  'nav.audit': 'Audit log',
  'header.account': 'Signed in as {email}',
  'header.signOut': 'Sign out',
  'login.title': 'Sign in to Hearth',
  'login.intro': 'Use the email and password your workspace owner gave you.',
  'login.email': 'Email',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.busy': 'Signing in…',
  'login.wrong': 'Wrong email or password.',
  'login.tooMany': 'Too many failed attempts. Try again in {minutes} minutes.',
  'login.failed': 'Could not sign in: {message}',
  'login.demoHint': 'Trying the demo? Sign in as demo@hearth.local with the password `hearth serve` printed.',
  'what.session': 'your session',
  'what.audit': 'the audit log',
  'audit.title': 'Audit log',
  'audit.intro': 'Every operator action and every automated enforcement, newest first.',
  'audit.search': 'Search',
  'audit.searchPlaceholder': 'Text in action, actor, target or evidence',
  'audit.action': 'Action',
  'audit.actionPlaceholder': 'e.g. sandbox. or token.created',
  'audit.actor': 'Actor',
  'audit.actorPlaceholder': 'email, token or rule',
  'audit.from': 'From',
  'audit.to': 'To',
  'audit.apply': 'Apply',
  'audit.reset': 'Reset',
  'audit.export': 'Export',
  'audit.exportCsv': 'CSV',
  'audit.exportJson': 'JSON',
  'audit.col.at': 'When',
  'audit.col.actor': 'Who',
  'audit.col.action': 'What',
  'audit.col.target': 'On',
  'audit.col.detail': 'Evidence',
  'audit.empty': 'No entries match.',
  'audit.older': 'Older entries',
  'audit.newest': 'Back to newest',
  'nav.outbox': 'Outbox',
  'what.outbox': 'the outbox',
  'outbox.title': 'Outbox',
  'outbox.intro': 'What Hearth sends to your groups. A parked action could not be sent as it is and waits for you: send it again, or discard it.',
  'outbox.status': 'Show',
  'outbox.status.pending': 'Waiting',
  'outbox.status.sending': 'Sending',
  'outbox.status.done': 'Sent',
  'outbox.status.parked': 'Parked',
  'outbox.status.discarded': 'Discarded',
  'outbox.col.created': 'Planned',
  'outbox.col.group': 'Group',
  'outbox.col.action': 'Action',
  'outbox.col.reason': 'Why',
  'outbox.col.attempts': 'Attempts',
  'outbox.col.decide': 'Decide',
  'outbox.reason.invalid_action': 'No longer valid',
  'outbox.reason.refused': 'Refused by the platform',
  'outbox.reason.retries_exhausted': 'Retries used up',
  'outbox.reason.unsupported': 'The platform cannot do this',
  'outbox.requeue': 'Send again',
  'outbox.discard': 'Discard',
  'outbox.confirmDiscard': 'Discard this action? It will not be sent.',
  'outbox.requeued': 'Queued again: it goes out with the next pass.',
  'outbox.discarded': 'Discarded.',
  'outbox.failed': 'Not done: {message}',
  'outbox.empty': 'Nothing here.',
  'outbox.emptyParked': 'Nothing is parked: every action could be sent.',
  'outbox.older': 'Older',
  'outbox.newest': 'Back to newest',
  'audit.kind.operator': 'operator',
  'audit.kind.token': 'token',
  'audit.kind.rule': 'rule',
  'audit.kind.system': 'system',
  'audit.group': 'group {id}',
  'audit.noWorkspace': 'Choose a workspace to see its audit log.',
  'nav.automations': 'Automations',
  'what.automations': 'automations',
  'automations.title': 'Automations',
  'automations.intro': 'What the bot does on its own: greet newcomers and answer frequent questions.',
  'automations.readOnly': 'Your role ({role}) can see automations but not change them; that needs the configure permission.',
  'automations.save': 'Save',
  'automations.saving': 'Saving…',
  'automations.saved': 'Saved',
  'automations.add': 'Add',
  'automations.discard': 'Discard changes',
  'automations.cancel': 'Cancel',
  'automations.edit': 'Edit',
  'automations.remove': 'Remove',
  'automations.removeConfirm': 'Remove for good',
  'automations.on': 'On',
  'automations.off': 'Off',
  'automations.switch': 'Switch {what} on or off',
  'automations.failed': 'Not saved: {message}',
  'automations.groupFallback': 'Group {id}',
  'welcome.title': 'Welcome message',
  'welcome.scope': 'Sent in every group of the workspace, unless the group has its own below.',
  'welcome.none': 'This workspace has no welcome message yet. Save to create one.',
  'welcome.extra': '{count} more workspace-wide welcome rules also run in every group.',
  'welcome.template': 'Message',
  'welcome.placeholders': 'Placeholders',
  'welcome.ph.name': 'the newcomer’s name',
  'welcome.ph.group': 'the group’s name',
  'welcome.ph.count': 'members now',
  'welcome.insert': 'Insert {placeholder}: {meaning}',
  'welcome.delay': 'Delay (seconds)',
  'welcome.delayHint': '0 to 3600: wait until the join settles',
  'welcome.firstJoinOnly': 'Only on a member’s first join',
  'welcome.mention': 'Mention the newcomer',
  'welcome.preview': 'Preview',
  'welcome.previewHint': 'With sample values; shown exactly as members will see it.',
  'welcome.previewEmpty': '(empty message)',
  'welcome.previewNow': 'sent right away',
  'welcome.previewDelay': 'sent after {seconds} s',
  'welcome.previewMention': 'mentions {name}',
  'welcome.sampleName': 'Alex',
  'welcome.sampleGroup': 'Tea Lovers',
  'overrides.title': 'Groups with their own welcome',
  'overrides.intro': 'A group’s own welcome replaces the workspace’s there. Switched off, that group gets no welcome at all.',
  'overrides.empty': 'Every group uses the workspace’s welcome.',
  'overrides.add': 'Give a group its own welcome',
  'overrides.group': 'Group',
  'overrides.choose': 'Choose a group…',
  'overrides.allTaken': 'Every group already has its own welcome.',
  'overrides.col.group': 'Group',
  'overrides.col.message': 'Message',
  'overrides.col.enabled': 'On',
  'overrides.col.actions': 'Actions',
  'overrides.editing': 'Welcome in {group}',
  'overrides.adding': 'New welcome for a group',
  'keywords.title': 'Keyword replies',
  'keywords.intro': 'A message containing any of the keywords (case-insensitive) gets the prepared reply.',
  'keywords.col.keywords': 'Keywords',
  'keywords.col.reply': 'Reply',
  'keywords.col.scope': 'Applies to',
  'keywords.col.quote': 'Quotes',
  'keywords.col.enabled': 'On',
  'keywords.col.actions': 'Actions',
  'keywords.empty': 'No keyword replies yet.',
  'keywords.add': 'Add keyword reply',
  'keywords.adding': 'New keyword reply',
  'keywords.editing': 'Edit keyword reply',
  'keywords.keywords': 'Keywords, one per line',
  'keywords.keywordsHint': '1 to 50 keywords',
  'keywords.reply': 'Reply',
  'keywords.replyHint': 'Placeholders: {name} the asker, {group} the group',
  'keywords.quote': 'Answer as a reply to the asking message',
  'keywords.scope': 'Applies to',
  'keywords.allGroups': 'All groups',
  'keywords.yes': 'Yes',
  'keywords.no': 'No',
  'problems.title': 'Rule problems',
  'problems.intro': 'Actions a rule planned that could not be sent, and actions a platform cannot do that were replaced by a fallback. The events themselves were stored and counted.',
  'problems.col.rule': 'Rule',
  'problems.col.what': 'What happened',
  'problems.col.reason': 'Why',
  'problems.col.count': 'Times',
  'problems.col.last': 'Last',
  'problems.invalid': 'Not sent',
  'problems.fallback': 'Fallback planned',
  'problems.removed': 'removed',
  'problems.lastIn': 'in {group}, event {event}',
  'problems.kind.welcome': 'Welcome',
  'problems.kind.keyword-reply': 'Keyword reply',
  'problems.reason.tooLong': '{action}: message text longer than {max} characters',
  'problems.reason.tooLongOn': '{action}: message text longer than {max} characters (the limit on {platform})',
  'problems.reason.needs': '{action} needs {missing}, which {platform} cannot do: {instead}',
  'problems.reason.asFallback': '{action} (fallback)',
  'problems.reason.and': ' and ',
  'problems.instead.removed': 'removed the member instead',
  'problems.instead.plain_message': 'sent a plain message instead',
  'problems.instead.alert': 'alerted the operator to do it by hand',
  'problems.detail.characters': '{count} characters',
  'action.send_message': 'Send a message',
  'action.delete_message': 'Delete a message',
  'action.mute_member': 'Mute a member',
  'action.remove_member': 'Remove a member',
  'action.ban_member': 'Ban a member',
  'action.alert_operator': 'Alert an operator',
  'capability.send': 'sending',
  'capability.reply': 'replying',
  'capability.mention': 'mentions',
  'capability.mute': 'muting',
  'capability.remove': 'removing members',
  'capability.ban': 'banning',
  'capability.delete': 'deleting messages',
  'capability.invite_link': 'invite links',
  'capability.pin': 'pinning',
  'capability.read_messages': 'reading messages',
  'capability.send_unattended': 'sending unattended',
  'capability.send_confirmed': "sending with a person's confirmation",
} as const;

/** Every translatable string's key. */
export type MessageKey = keyof typeof en;

// Typed against the English keys so a missing translation is a compile error.
const zhCN: Record<MessageKey, string> = {
  'app.tagline': '社群运营',
  'nav.overview': '总览',
  'nav.sandbox': '沙盒聊天',
  'nav.main': '主导航',
  'header.workspace': '工作区',
  'header.language': '语言',
  'state.loading': '加载中…',
  'state.loadingWhat': '正在加载{what}…',
  'state.errorTitle': '无法加载{what}',
  'state.retry': '重试',
  'state.refreshFailed': '刷新失败，当前显示的是旧数据：{message}',
  'state.updated': '更新于 {time}',
  'what.workspaces': '工作区列表',
  'what.overview': '总览',
  'what.group': '群组',
  'what.sandboxGroups': '沙盒群组',
  'what.sandboxLog': '聊天记录',
  'error.noWorkspaces': '此服务器还没有工作区。',
  'error.unknownWorkspace': '不存在工作区“{slug}”。',
  'error.openFirstWorkspace': '打开 {name}',
  'notFound.title': '页面不存在',
  'notFound.body': '{path} 下没有内容。',
  'notFound.back': '返回总览',
  'overview.title': '总览',
  'overview.asOf': '数据截至 {time}',
  'totals.groups': '群组',
  'totals.members': '成员',
  'totals.messagesToday': '今日消息',
  'totals.activeToday': '今日活跃',
  'totals.joinsToday': '今日入群',
  'totals.leavesToday': '今日退群',
  'totals.yesterday': '昨日 {value}',
  'totals.silentGroups': '{count} 个群 12 小时以上无消息',
  'totals.allActive': '12 小时内全部有消息',
  'totals.perGroup': '平均每群 {value}',
  'totals.net': '今日净增 {value}',
  'totals.ofMembers': '占成员 {value}',
  'chart.title': '近 {days} 天活跃度',
  'chart.messages': '消息',
  'chart.activeMembers': '活跃成员',
  'chart.joins': '入群',
  'chart.leaves': '退群',
  'chart.net': '净增',
  'chart.members': '成员',
  'chart.aria': '近 {days} 天每日消息数、活跃成员、入群与退群',
  'groups.title': '群组',
  'groups.count': '{shown} / {total}',
  'groups.filter': '按名称筛选',
  'groups.empty': '还没有群组。',
  'groups.noMatch': '没有名称包含“{query}”的群组。',
  'groups.silent': '已沉默 {duration}',
  'groups.silentHint': '12 小时或更久没有消息',
  'groups.neverActive': '暂无消息',
  'groups.sparkline': '{days} 天共 {total} 条消息',
  'groups.sortBy': '按{column}排序',
  'col.name': '群组',
  'col.platform': '平台',
  'col.type': '类型',
  'col.members': '成员',
  'col.today': '今日',
  'col.last7': '近 7 天',
  'col.messages': '消息',
  'col.active': '活跃',
  'col.joins': '入群',
  'col.leaves': '退群',
  'col.trend': '30 天趋势',
  'col.lastMessage': '最后消息',
  'platform.wechat': '微信',
  'platform.telegram': 'Telegram',
  'platform.discord': 'Discord',
  'platform.sandbox': '沙盒',
  'group.back': '全部群组',
  'group.profile': '群资料',
  'group.platform': '平台',
  'group.type': '类型',
  'group.purpose': '用途',
  'group.theme': '主题',
  'group.audience': '受众',
  'group.timezone': '时区',
  'group.members': '成员',
  'group.today': '今日',
  'group.last7': '近 7 天',
  'group.perDay': '每天 {value}',
  'health.title': '健康度与生命周期',
  'health.what': '群健康度',
  'health.score': '健康分',
  'health.asOf': '截至 {day}',
  'health.parts': '健康分构成',
  'health.hours': '{value} 小时',
  'health.minutes': '{value} 分钟',
  'health.stage.launch': '启动期',
  'health.stage.growth': '成长期',
  'health.stage.mature': '成熟期',
  'health.stage.declining': '衰退期',
  'health.stage.dormant': '沉寂',
  'health.why.launch': '首条消息不足 28 天，或尚无消息。',
  'health.why.growth': '近 28 天消息数不低于之前 28 天的 125%。',
  'health.why.mature': '平稳：近 28 天消息数为之前 28 天的 60%–125%。',
  'health.why.declining': '近 28 天消息数降到之前 28 天的 60% 以下（或近 14 天降到之前 14 天的一半以下）。',
  'health.why.dormant': '已 14 天以上无人发言：沉默超过两周即成死群。',
  'health.part.activeDays': '周活跃天数',
  'health.part.silence': '沉默时长（12 小时）',
  'health.part.speakers': '本周发言人数',
  'health.part.newSpeakers': '新发言者',
  'health.part.spread': '发言分布（二八）',
  'health.part.responses': '问题回应',
  'health.part.trend': '趋势',
  'health.fig.weeklyActiveDays': '周活跃天数',
  'health.fig.messagesOnActiveDays': '活跃日平均消息数',
  'health.fig.daysSinceLast': '距上次发言天数',
  'health.fig.last28': '近 28 天消息',
  'health.fig.prev28': '之前 28 天消息',
  'health.fig.speakers7': '近 7 天发言人数',
  'health.fig.newSpeakers28': '近 28 天新发言者',
  'health.fig.longestSilence': '近 7 天最长沉默',
  'health.fig.top20': '前 20% 成员消息占比',
  'health.fig.questions': '近 28 天已回应问题',
  'health.fig.medianResponse': '首次回应中位数',
  'health.chart.messages': '消息',
  'health.chart.weekly': '周活跃天数',
  'health.chart.aria': '近 {days} 天每日消息与周活跃天数',
  'group.openSandbox': '在沙盒聊天中打开',
  'group.invalidId': '“{id}”不是有效的群组 ID。',
  'sandbox.title': '沙盒聊天',
  'sandbox.intro': '以模拟成员的身份与机器人对话。模拟社区在后台持续活动，聊天记录每隔几秒刷新一次。',
  'sandbox.group': '群组',
  'sandbox.noGroups': '此服务器上没有沙盒群组。',
  'sandbox.empty': '还没有消息，说点什么吧！',
  'sandbox.member': '成员',
  'sandbox.memberPlaceholder': '例如 alice',
  'sandbox.text': '消息',
  'sandbox.textPlaceholder': '以该成员身份输入…',
  'sandbox.send': '发送',
  'sandbox.join': '入群',
  'sandbox.leave': '退群',
  'sandbox.code': '邀请码',
  'sandbox.codePlaceholder': '可选',
  'sandbox.needMember': '请先填写成员名称。',
  'sandbox.needText': '请先输入消息。',
  'sandbox.bot': '机器人',
  'sandbox.joined': '{name} 加入了群聊',
  'sandbox.left': '{name} 退出了群聊',
  'sandbox.reacted': '{name} 回应了 {emoji}',
  'sandbox.renamed': '{name} 修改了昵称',
  'sandbox.renamedTo': '{name} 改名为 {text}',
  'sandbox.replyTo': '回复 {name}',
  'sandbox.replyToUnknown': '回复较早的消息',
  'sandbox.response': '机器人响应',
  'sandbox.responseTo': '针对 {name} 的{what}',
  'sandbox.responseNone': '机器人没有采取任何行动。',
  'sandbox.responseEmpty': '以成员身份发送消息、入群或退群，即可在这里看到机器人的响应。',
  'sandbox.did.say': '消息',
  'sandbox.did.join': '入群',
  'sandbox.did.leave': '退群',
  'sandbox.live': '实时',
  'sandbox.paused': '标签页隐藏时暂停刷新',
  'sandbox.showing': '最近 {count} 条',
  'sandbox.jumpToLatest': '下方有新消息',
  'sandbox.hint': '回车发送，Shift+回车换行',
  'sandbox.failed': '失败：{message}',
  'sandbox.openOverview': '群组页面',
  'nav.audit': '审计日志',
  'header.account': '当前登录：{email}',
  'header.signOut': '退出登录',
  'login.title': '登录 Hearth',
  'login.intro': '请使用工作区所有者为你设置的邮箱和密码。',
  'login.email': '邮箱',
  'login.password': '密码',
  'login.submit': '登录',
  'login.busy': '正在登录…',
  'login.wrong': '邮箱或密码错误。',
  'login.tooMany': '失败次数过多，请在 {minutes} 分钟后重试。',
  'login.failed': '无法登录：{message}',
  'login.demoHint': '体验演示？请使用 demo@hearth.local 和 `hearth serve` 启动时打印的密码登录。',
  'what.session': '登录状态',
  'what.audit': '审计日志',
  'audit.title': '审计日志',
  'audit.intro': '所有运营人员操作与自动执行的处置，按时间倒序排列。',
  'audit.search': '搜索',
  'audit.searchPlaceholder': '在操作、执行者、对象或证据中搜索',
  'audit.action': '操作',
  'audit.actionPlaceholder': '例如 sandbox. 或 token.created',
  'audit.actor': '执行者',
  'audit.actorPlaceholder': '邮箱、令牌或规则',
  'audit.from': '开始',
  'audit.to': '结束',
  'audit.apply': '应用',
  'audit.reset': '重置',
  'audit.export': '导出',
  'audit.exportCsv': 'CSV',
  'audit.exportJson': 'JSON',
  'audit.col.at': '时间',
  'audit.col.actor': '执行者',
  'audit.col.action': '操作',
  'audit.col.target': '对象',
  'audit.col.detail': '证据',
  'audit.empty': '没有符合条件的记录。',
  'audit.older': '更早的记录',
  'audit.newest': '回到最新',
  'nav.outbox': '发送队列',
  'what.outbox': '发送队列',
  'outbox.title': '发送队列',
  'outbox.intro': 'Hearth 发往各群的内容。被搁置的操作无法按原样发送，等待你处理：重新发送或丢弃。',
  'outbox.status': '显示',
  'outbox.status.pending': '等待中',
  'outbox.status.sending': '发送中',
  'outbox.status.done': '已发送',
  'outbox.status.parked': '已搁置',
  'outbox.status.discarded': '已丢弃',
  'outbox.col.created': '计划时间',
  'outbox.col.group': '群',
  'outbox.col.action': '操作',
  'outbox.col.reason': '原因',
  'outbox.col.attempts': '尝试次数',
  'outbox.col.decide': '处理',
  'outbox.reason.invalid_action': '内容已不合规',
  'outbox.reason.refused': '平台拒绝',
  'outbox.reason.retries_exhausted': '重试次数已用尽',
  'outbox.reason.unsupported': '平台不支持此操作',
  'outbox.requeue': '重新发送',
  'outbox.discard': '丢弃',
  'outbox.confirmDiscard': '确定丢弃此操作？它将不会被发送。',
  'outbox.requeued': '已重新排队：下一轮即会发送。',
  'outbox.discarded': '已丢弃。',
  'outbox.failed': '未完成：{message}',
  'outbox.empty': '这里没有内容。',
  'outbox.emptyParked': '没有被搁置的操作：所有操作都已发出。',
  'outbox.older': '更早',
  'outbox.newest': '回到最新',
  'audit.kind.operator': '运营人员',
  'audit.kind.token': '令牌',
  'audit.kind.rule': '规则',
  'audit.kind.system': '系统',
  'audit.group': '群 {id}',
  'audit.noWorkspace': '请选择一个工作区查看其审计日志。',
  'nav.automations': '自动化',
  'what.automations': '自动化规则',
  'automations.title': '自动化',
  'automations.intro': '机器人自动完成的工作：欢迎新成员、回答常见问题。',
  'automations.readOnly': '你的角色（{role}）可以查看自动化规则，但不能修改；修改需要“配置”权限。',
  'automations.save': '保存',
  'automations.saving': '正在保存…',
  'automations.saved': '已保存',
  'automations.add': '添加',
  'automations.discard': '放弃修改',
  'automations.cancel': '取消',
  'automations.edit': '编辑',
  'automations.remove': '删除',
  'automations.removeConfirm': '确认删除',
  'automations.on': '开启',
  'automations.off': '关闭',
  'automations.switch': '开启或关闭{what}',
  'automations.failed': '未保存：{message}',
  'automations.groupFallback': '群 {id}',
  'welcome.title': '入群欢迎语',
  'welcome.scope': '在工作区的每个群发送，除非该群在下方设置了自己的欢迎语。',
  'welcome.none': '此工作区还没有欢迎语，保存即可创建。',
  'welcome.extra': '另有 {count} 条工作区级欢迎规则也会在每个群生效。',
  'welcome.template': '欢迎语',
  'welcome.placeholders': '占位符',
  'welcome.ph.name': '新成员的名字',
  'welcome.ph.group': '群名称',
  'welcome.ph.count': '当前成员数',
  'welcome.insert': '插入 {placeholder}：{meaning}',
  'welcome.delay': '延迟（秒）',
  'welcome.delayHint': '0 到 3600：等入群稳定后再发送',
  'welcome.firstJoinOnly': '仅在成员首次入群时发送',
  'welcome.mention': '@提及新成员',
  'welcome.preview': '预览',
  'welcome.previewHint': '使用示例数据，显示效果与成员看到的一致。',
  'welcome.previewEmpty': '（空消息）',
  'welcome.previewNow': '立即发送',
  'welcome.previewDelay': '{seconds} 秒后发送',
  'welcome.previewMention': '@{name}',
  'welcome.sampleName': '小林',
  'welcome.sampleGroup': '茶友会',
  'overrides.title': '单独设置欢迎语的群组',
  'overrides.intro': '群组自己的欢迎语会替代工作区的欢迎语；关闭后，该群不再发送任何欢迎语。',
  'overrides.empty': '所有群组都使用工作区的欢迎语。',
  'overrides.add': '为群组单独设置欢迎语',
  'overrides.group': '群组',
  'overrides.choose': '选择群组…',
  'overrides.allTaken': '所有群组都已单独设置欢迎语。',
  'overrides.col.group': '群组',
  'overrides.col.message': '欢迎语',
  'overrides.col.enabled': '状态',
  'overrides.col.actions': '操作',
  'overrides.editing': '{group} 的欢迎语',
  'overrides.adding': '为群组新建欢迎语',
  'keywords.title': '关键词回复',
  'keywords.intro': '消息中包含任一关键词（不区分大小写）时，机器人自动发送预设回复。',
  'keywords.col.keywords': '关键词',
  'keywords.col.reply': '回复',
  'keywords.col.scope': '适用范围',
  'keywords.col.quote': '引用',
  'keywords.col.enabled': '状态',
  'keywords.col.actions': '操作',
  'keywords.empty': '还没有关键词回复。',
  'keywords.add': '添加关键词回复',
  'keywords.adding': '新建关键词回复',
  'keywords.editing': '编辑关键词回复',
  'keywords.keywords': '关键词（每行一个）',
  'keywords.keywordsHint': '1 到 50 个关键词',
  'keywords.reply': '回复内容',
  'keywords.replyHint': '占位符：{name} 提问者，{group} 群名称',
  'keywords.quote': '以回复形式引用提问消息',
  'keywords.scope': '适用范围',
  'keywords.allGroups': '所有群组',
  'keywords.yes': '是',
  'keywords.no': '否',
  'problems.title': '规则问题',
  'problems.intro': '规则计划了但无法发送的动作，以及平台不支持、已改用替代方案的动作。事件本身已照常保存和统计。',
  'problems.col.rule': '规则',
  'problems.col.what': '结果',
  'problems.col.reason': '原因',
  'problems.col.count': '次数',
  'problems.col.last': '最近一次',
  'problems.invalid': '未发送',
  'problems.fallback': '已改用替代方案',
  'problems.removed': '已删除',
  'problems.lastIn': '在 {group}，事件 {event}',
  'problems.kind.welcome': '欢迎语',
  'problems.kind.keyword-reply': '关键词回复',
  'problems.reason.tooLong': '{action}：消息超过 {max} 字',
  'problems.reason.tooLongOn': '{action}：消息超过 {max} 字（{platform} 的上限）',
  'problems.reason.needs': '{action}需要{missing}，{platform}不支持：{instead}',
  'problems.reason.asFallback': '{action}（替代方案）',
  'problems.reason.and': '和',
  'problems.instead.removed': '已改为移出该成员',
  'problems.instead.plain_message': '已改发普通消息',
  'problems.instead.alert': '已提醒运营人员手动处理',
  'problems.detail.characters': '{count} 字',
  'action.send_message': '发送消息',
  'action.delete_message': '删除消息',
  'action.mute_member': '禁言成员',
  'action.remove_member': '移出成员',
  'action.ban_member': '封禁成员',
  'action.alert_operator': '提醒运营人员',
  'capability.send': '发送',
  'capability.reply': '回复',
  'capability.mention': '@提及',
  'capability.mute': '禁言',
  'capability.remove': '移出成员',
  'capability.ban': '封禁',
  'capability.delete': '删除消息',
  'capability.invite_link': '邀请链接',
  'capability.pin': '置顶',
  'capability.read_messages': '读取消息',
  'capability.send_unattended': '无人值守发送',
  'capability.send_confirmed': '经本人确认发送',
};

const dictionaries: Record<Locale, Record<MessageKey, string>> = { en, 'zh-CN': zhCN };

const STORAGE_KEY = 'hearth.locale';

function isLocale(value: unknown): value is Locale {
  return value === 'en' || value === 'zh-CN';
}

/** The saved choice, else the browser's language (any Chinese variant → zh-CN), else English. */
export function initialLocale(): Locale {
  try {
    const saved = window.localStorage.getItem(STORAGE_KEY);
    if (isLocale(saved)) return saved;
  } catch {
    // Storage can be disabled (privacy mode); fall back to the browser language.
  }
  const preferred = navigator.languages?.[0] ?? navigator.language ?? 'en';
  return preferred.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

type Vars = Record<string, string | number>;

function fill(template: string, vars?: Vars): string {
  return vars ? fillTemplate(template, vars) : template;
}

/**
 * Fills a template with React nodes, for messages that embed markup (a bold member
 * name). Values stay React children, so attacker-controlled names are never parsed.
 */
function fillNodes(template: string, vars: Record<string, ReactNode>): ReactNode {
  const parts = template.split(/\{(\w+)\}/g);
  // split() with a capture group alternates literal text and placeholder names.
  return createElement(Fragment, null, ...parts.map((part, i) => (i % 2 === 0 ? part : createElement(Fragment, { key: i }, Object.hasOwn(vars, part) ? vars[part] : `{${part}}`))));
}

/** Locale-aware formatting of numbers, dates and durations. */
export interface Formatters {
  /** 12,345 */
  number(value: number): string;
  /** 12K / 1.2万, for axes. */
  compact(value: number): string;
  /** +12 / −3, for net changes. */
  signed(value: number): string;
  /** 42% */
  percent(ratio: number): string;
  /** Date and time, in the viewer's time zone. */
  dateTime(iso: string): string;
  /** Time of day, in the viewer's time zone. */
  time(iso: string): string;
  /** A calendar day from a `YYYY-MM-DD` string, short (Oct 25 / 10月25日). */
  day(date: string): string;
  /** A calendar day with weekday, for tooltips. */
  dayLong(date: string): string;
  /** "3 hours ago", relative to `now`. */
  relative(iso: string, now: string): string;
  /** A compact duration (14h, 3d). */
  duration(ms: number): string;
}

function dayAsUtc(date: string): Date {
  // Series days are calendar dates, not instants; pin them to UTC so no zone shifts them.
  return new Date(`${date}T00:00:00Z`);
}

function makeFormatters(locale: Locale): Formatters {
  const num = new Intl.NumberFormat(locale);
  const compact = new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 });
  const signed = new Intl.NumberFormat(locale, { signDisplay: 'exceptZero' });
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const time = new Intl.DateTimeFormat(locale, { timeStyle: 'medium' });
  const day = new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', timeZone: 'UTC' });
  const dayLong = new Intl.DateTimeFormat(locale, { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'long' });
  const hours = new Intl.NumberFormat(locale, { style: 'unit', unit: 'hour', unitDisplay: 'narrow', maximumFractionDigits: 0 });
  const days = new Intl.NumberFormat(locale, { style: 'unit', unit: 'day', unitDisplay: 'narrow', maximumFractionDigits: 0 });
  const minutes = new Intl.NumberFormat(locale, { style: 'unit', unit: 'minute', unitDisplay: 'narrow', maximumFractionDigits: 0 });
  const safe = (format: (d: Date) => string) => (iso: string) => {
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? iso : format(d);
  };
  return {
    number: (v) => num.format(v),
    compact: (v) => compact.format(v),
    signed: (v) => signed.format(v),
    percent: (r) => percent.format(r),
    dateTime: safe((d) => dateTime.format(d)),
    time: safe((d) => time.format(d)),
    day: (date) => {
      const d = dayAsUtc(date);
      return Number.isNaN(d.getTime()) ? date : day.format(d);
    },
    dayLong: (date) => {
      const d = dayAsUtc(date);
      return Number.isNaN(d.getTime()) ? date : dayLong.format(d);
    },
    relative: (iso, now) => {
      const diffSec = (new Date(iso).getTime() - new Date(now).getTime()) / 1000;
      if (Number.isNaN(diffSec)) return iso;
      const abs = Math.abs(diffSec);
      if (abs < 45) return relative.format(0, 'second');
      if (abs < 45 * 60) return relative.format(Math.round(diffSec / 60), 'minute');
      if (abs < 22 * 3600) return relative.format(Math.round(diffSec / 3600), 'hour');
      return relative.format(Math.round(diffSec / 86400), 'day');
    },
    duration: (ms) => {
      const h = ms / 3_600_000;
      if (h < 1) return minutes.format(Math.max(1, Math.floor(ms / 60_000)));
      if (h < 48) return hours.format(Math.floor(h));
      return days.format(Math.floor(h / 24));
    },
  };
}

/** What components get from {@link useI18n}. */
export interface I18n {
  locale: Locale;
  setLocale(locale: Locale): void;
  /** Translates a key, filling `{placeholders}` with plain values. */
  t(key: MessageKey, vars?: Vars): string;
  /** Translates a key, filling `{placeholders}` with React nodes (escaped as text). */
  tx(key: MessageKey, vars: Record<string, ReactNode>): ReactNode;
  fmt: Formatters;
}

const I18nContext = createContext<I18n | null>(null);

/** Holds the chosen language, persists it, and keeps `<html lang>` in step. */
export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);

  const setLocale = useCallback((next: Locale) => {
    setLocaleState(next);
    try {
      window.localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Not persisting is acceptable; the choice still applies to this visit.
    }
  }, []);

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  const value = useMemo<I18n>(() => {
    const dict = dictionaries[locale];
    return {
      locale,
      setLocale,
      t: (key, vars) => fill(dict[key], vars),
      tx: (key, vars) => fillNodes(dict[key], vars),
      fmt: makeFormatters(locale),
    };
  }, [locale, setLocale]);

  return createElement(I18nContext.Provider, { value }, children);
}

/** The current language's translator and formatters. */
export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n must be used inside <I18nProvider>');
  return value;
}

/** A platform's display name; unknown platforms show their raw id. */
export function platformLabel(t: I18n['t'], platform: string): string {
  const key = `platform.${platform}`;
  return key in en ? t(key as MessageKey) : platform;
}

/** A label under `prefix` (`action.mute_member`) when the dictionary has one; else the raw id, e.g. a newer action type. */
export function labelOrId(t: I18n['t'], prefix: string, id: string): string {
  const key = `${prefix}.${id}`;
  return key in en ? t(key as MessageKey) : id;
}
