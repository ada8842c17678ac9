/**
 * The Chinese of the server's error messages (gettext-style: the English at the call site is the
 * source text and the key). `translateDetail` / `translateField` (messages.ts) look a message up
 * exactly, then try the patterns in order; a message found in neither stays English.
 *
 * Patterns are for messages built with template literals: the captured parts are put into the
 * Chinese as `$1`, `$2`…, or handed to a function when they need words of their own (a status, a
 * role, an amount in fen). test/unit/error-messages.test.ts reads the server's source and fails on
 * any message written there that this file does not cover.
 */
import { BOOKING_STATUS_ZH } from './booking-status.zh.ts';
import { MESSAGES as AGREEMENTS } from '../modules/agreements/messages.zh.ts';
import { MESSAGES as APPLICATIONS } from '../modules/applications/messages.zh.ts';
import { MESSAGES as AUDIT } from '../modules/audit/messages.zh.ts';
import { MESSAGES as AUTH } from '../modules/auth/messages.zh.ts';
import { MESSAGES as CHECKOUT } from '../modules/checkout/messages.zh.ts';
import { MESSAGES as IMPORTS } from '../modules/imports/messages.zh.ts';
import { MESSAGES as INTEGRATIONS } from '../modules/integrations/messages.zh.ts';
import { MESSAGES as ORGANISATIONS } from '../modules/organisations/messages.zh.ts';
import { MESSAGES as SETTLEMENT } from '../modules/settlement/messages.zh.ts';
import { MESSAGES as TRANSFERS } from '../modules/transfers/messages.zh.ts';
import { MESSAGES as NEEDS } from '../modules/needs/messages.zh.ts';
import { MESSAGES as LISTING } from '../modules/listing/messages.zh.ts';
import { MESSAGES as VOUCHERS } from '../modules/vouchers/messages.zh.ts';
import type { MessageCatalogue, Pattern } from './message-catalogue.ts';
import { formatFen } from './money.ts';

export type { Pattern, Replacement } from './message-catalogue.ts';

/** Modules that keep their messages' Chinese beside them. */
const PARTS: readonly MessageCatalogue[] = [
  AUTH,
  ORGANISATIONS,
  APPLICATIONS,
  AUDIT,
  SETTLEMENT,
  AGREEMENTS,
  CHECKOUT,
  IMPORTS,
  TRANSFERS,
  VOUCHERS,
  INTEGRATIONS,
  NEEDS,
  LISTING,
];
const merged = <K extends 'notFound' | 'details' | 'fields'>(key: K) =>
  Object.assign({}, ...PARTS.map((p) => p[key])) as Record<string, string>;
const mergedPatterns = (key: 'detailPatterns' | 'fieldPatterns') => PARTS.flatMap((p) => p[key]);

// ---------------------------------------------------------------------------------------------------------
// Words the patterns put into sentences

/** Statuses of bookings, claim batches and claim lines as the SPA shows them (booking.status etc.). */
const STATUS: Record<string, string> = { ...BOOKING_STATUS_ZH };
const BATCH_STATUS: Record<string, string> = {
  draft: '草稿',
  submitted: '待审核',
  in_notice: '公示中',
  reviewed: '已审核',
  paid: '已兑付',
};
const PASSWORD_RULE: Record<string, string> = {
  'at least 10 characters': '至少 10 个字符',
  'at least three of: lower case, upper case, digits, symbols': '至少包含小写字母、大写字母、数字、符号中的三种',
  'not the e-mail address or its name': '不得包含邮箱地址或邮箱用户名',
  'not a commonly used password': '不得使用常见密码',
};
const LINE_STATUS: Record<string, string> = {
  pending: '待审核',
  approved: '已通过',
  returned: '退回修改',
  rejected: '不予兑付',
  removed: '已移除',
};
const BOOKING_ACTION: Record<string, string> = {
  approve: '通过',
  reject: '驳回',
  cancel: '取消',
  'check-in': '签到上机',
  complete: '完成',
  'no-show': '记为爽约',
};
const ROLE: Record<string, string> = {
  researcher: '企业研发人员',
  lab_manager: '仪器管理员',
  finance_officer: '财政审核员',
  platform_admin: '平台管理员',
};
const CHECK: Record<string, string> = {
  total_adds_up: '金额合计',
  ratio_and_caps: '补贴比例与上限',
  published_price: '公示价格',
  usage_matches: '用量核对',
  within_validity: '有效期内',
  claim_window: '兑付期限',
  no_related_party: '无关联关系',
  out_of_province_justified: '省外说明',
  evidence: '凭证齐全',
  invoice_matches: '发票与订单相符',
  agreement_accepted: '服务协议已接受',
};
/** Where a zod problem is: "invalid body: …" → 请求内容. */
export const ZH_LOCATION: Record<string, string> = { params: '路径参数', query: '查询参数', body: '请求内容' };

const word = (table: Record<string, string>) => (key: string) => (Object.hasOwn(table, key) ? table[key]! : key);
const bookingStatus = word(STATUS);
const batchStatus = word(BATCH_STATUS);
const lineStatus = word(LINE_STATUS);

/** "1234" (fen) → "¥12.34"; anything else as it came. */
export function yuan(fen: string): string {
  const n = Number(fen);
  return /^-?\d+$/.test(fen) && Number.isSafeInteger(n) ? formatFen(n) : `${fen} 分`;
}

/** "90 minutes" → "90 分钟", "2 hours" → "2 小时", "1 day" → "1 天". */
function span(text: string): string {
  const m = /^(\d+) (minute|hour|day)s?$/.exec(text);
  if (!m) return text;
  return `${m[1]} ${m[2] === 'minute' ? '分钟' : m[2] === 'hour' ? '小时' : '天'}`;
}

/** "a, b" or "a or b" → "a、b" / "a或b", each word looked up. */
const list = (text: string, separator: string, join: string, each: (s: string) => string) =>
  text
    .split(separator)
    .map((s) => each(s.trim()))
    .join(join);

// ---------------------------------------------------------------------------------------------------------
// `detail`: the sentence of a problem

/** `notFound(what)` says "<what> not found": the Chinese of each `what`. */
export const ZH_NOT_FOUND: Record<string, string> = {
  instrument: '仪器',
  closure: '停机时段',
  booking: '预约',
  report: '检测报告',
  file: '文件',
  photo: '照片',
  'training record': '培训记录',
  holiday: '节假日',
  calendar: '仪器日历',
  notification: '通知',
  'settlement batch': '兑付批次',
  'line of this batch': '本批次中的该明细',
  institution: '单位',
  programme: '创新券项目',
  enterprise: '企业',
  certification: '企业认证记录',
  'related party': '关联关系记录',
  quota: '创新券额度',
  'reconciliation run': '该对账记录',
  finding: '该差异',
  ...merged('notFound'),
};

export const ZH_DETAILS: Record<string, string> = {
  ...merged('details'),
  // The HTTP layer
  'request body is too large': '请求内容过大',
  'request body is not valid JSON': '请求内容不是有效的 JSON',
  'malformed cursor': '分页游标无效，请从第一页重新加载',
  'the address is not properly percent-encoded': '请求地址的百分号编码有误',
  'malformed request': '请求格式有误',
  'send the file itself as the request body, with its own content type':
    '请直接以文件本身作为请求内容上传，并注明其文件类型',
  'the upload was interrupted': '上传中断，请重新上传',
  'something went wrong on our side': '服务器出了点问题，请稍后再试',

  // Signing in and roles
  'sign in first': '请先登录',
  'another sign-in attempt is being checked; try again in a moment': '另一次登录正在验证中，请稍候再试',
  'the platform is busy; try again in a moment': '平台正忙，请稍候再试',
  'wrong e-mail or password': '邮箱或密码错误',

  // Catalogue and instrument records
  'unknown category': '仪器分类不存在',
  'unknown city': '城市不存在',
  'cursor belongs to another sort': '分页游标与当前排序方式不符，请从第一页重新加载',
  'the cursor was made for the other order': '分页游标与当前时间排序方向不符，请从第一页重新加载',
  'institutionId is required': '请指定仪器所属单位（institutionId）',
  'lab managers add instruments to their own institution only': '仪器管理员只能为本单位添加仪器',
  'not an instrument-owning institution': '该机构不是提供仪器服务的单位',
  'not your institution': '您只能查看和管理本单位的数据',
  'asset number already used in this institution': '该资产编号在本单位已被使用',
  'request from another origin refused': '已拒绝来自其他来源（Origin）的请求',
  'an upload must be sent with the type of its file or as multipart/form-data':
    '上传文件须以文件本身的类型或 multipart/form-data 发送',
  'a request that changes something must be sent as application/json': '修改数据的请求须以 application/json 发送',
  'only the owning institution’s lab managers and platform admins may edit this instrument':
    '只有仪器所属单位的仪器管理员和平台管理员可以编辑该仪器',
  'invalid instrument record': '仪器信息有误，请检查标出的字段',
  'photo addresses must be on an allowed image host or uploaded to the platform':
    '仪器照片须上传到平台，或使用平台允许的图片网站的 https:// 地址',
  'the photo is empty': '照片文件为空',
  'photos are JPEG, PNG or WebP images': '照片须为 JPEG、PNG 或 WebP 图片',

  // Schedules, closures, training
  'unknown instrument': '仪器不存在',
  'not your institution’s instrument': '这不是本单位的仪器',
  'unknown time zone': '时区无效',
  'minimum booking length exceeds the maximum': '最短预约时长不能超过最长预约时长',
  'booking lengths must be multiples of the slot': '预约时长必须是时段长度的整数倍',
  'a closure must end after it starts': '停机时段的结束时间必须晚于开始时间',
  'a closure may last a year at most': '停机时段最长为一年',
  'durationMinutes must be positive': '预约时长（durationMinutes）必须大于 0',
  'to must be after from': '结束时间必须晚于开始时间',
  'the expiry date is in the past': '到期日期不能早于今天',
  'not a date': '日期格式不正确',

  // Booking
  'this instrument has no published prices': '该仪器尚未公示收费标准',
  'unknown rate item': '收费项目不存在',
  'no per-sample price for this instrument': '该仪器没有按样品计费的价格',
  'no per-hour price for this instrument': '该仪器没有按小时计费的价格',
  'the price of this much use is too large to charge': '按该用量计算的费用过大，无法收取',
  'machine time needs start and end': '预约机时须填写开始和结束时间',
  'machine time has no sample count': '预约机时无需填写样品数量',
  'machine time has no sample details': '预约机时无需填写样品信息',
  'end must be after start': '结束时间必须晚于开始时间',
  'a sample job needs sampleCount': '送样检测须填写样品数量',
  'the lab schedules sample jobs; give only a wanted-by end': '送样检测的时间由服务机构安排，只需填写期望完成日期',
  'this instrument is not shared': '该仪器未开放共享',
  'this instrument is shared inside its institution only': '该仪器仅在本单位内部共享',
  'this instrument is out of service': '该仪器暂停服务',
  'this instrument takes no machine-time bookings': '该仪器不接受机时预约',
  'this instrument takes no sample jobs': '该仪器不接受送样检测',
  'the wanted-by date is in the past': '期望完成日期不能早于今天',
  'that time has just been taken': '该时段刚刚被预约，请另选时间',
  'that time is taken': '该时段已被占用，请另选时间',
  'the end must be after the start': '结束时间必须晚于开始时间',
  'the booking must lie within one opening period of the instrument': '预约时间须在仪器的同一个开放时段内',
  'bookings cannot start in the past': '预约开始时间不能早于当前时间',
  'the instrument is closed for maintenance at that time': '该时段仪器停机维护，请另选时间',
  'the time overlaps another booking (set-up and clean-up time included)':
    '该时段与其他预约冲突（含准备和清洁时间），请另选时间',
  'Idempotency-Key must be 8–100 letters, digits, - or _': 'Idempotency-Key 须为 8–100 位字母、数字、“-”或“_”',
  'self-operated use of this instrument needs a training record; ask the lab for training':
    '自主上机须持有该仪器的有效培训记录，请联系服务机构安排培训',
  'your training record for this instrument was revoked': '您的该仪器培训记录已被撤销',
  'finance officers do not manage bookings': '财政审核员不处理预约',
  'only the requesting enterprise or the lab may cancel': '只有预约企业或服务机构可以取消预约',
  'the lab must give a reason to cancel': '服务机构取消预约须填写原因',
  'the cancellation deadline has passed; ask the lab': '已过取消截止时间，如需取消请联系服务机构',
  'only the owning institution’s lab managers may do this': '只有仪器所属单位的仪器管理员可以执行此操作',
  'a rejection needs a reason': '驳回预约须填写原因',
  'a sample job with neither a scheduled time nor a wanted-by date cannot be a no-show; cancel it with a reason':
    '未安排检测时间、也未填写期望完成日期的送样检测不能记为爽约；请填写原因取消',
  'give both start and end to schedule the job': '安排检测时间须同时填写开始和结束时间',
  'a job is scheduled for a week at most': '一次检测最长安排一周',
  'machine time is completed with actualMinutes': '完成机时预约须填写实际上机时长（actualMinutes）',
  'sample jobs are completed with actualSamples': '完成送样检测须填写实测样品数（actualSamples）',
  'only the requesting enterprise rates a service': '只有预约企业可以评价服务',
  'only completed bookings can be rated': '只有已完成的预约可以评价',
  'this booking is already rated': '该预约已评价过',
  'only the lab attaches service reports': '只有服务机构可以上传检测报告',
  'a report belongs to a job that has started': '检测开始后才能上传报告',
  'reports are PDF, images, office documents or zip files': '报告须为 PDF、图片、Office 文档或 zip 文件',
  'the report is empty': '报告文件为空',

  // Checkout, payments, refunds
  'quotaId needs useVoucher': '指定创新券额度（quotaId）时须选择使用创新券',
  'your enterprise holds no voucher quota': '贵企业暂无可用的创新券额度',
  'the voucher quota has just been used up; ask for a new quote': '创新券额度刚刚用完，请重新获取报价',
  'the card was declined': '银行卡支付被拒绝',
  'the payment processor failed; nothing was charged and no booking was made — please try again':
    '支付服务出错：未扣款，也未生成预约，请重试',
  'the payment processor did not answer; nothing is confirmed yet — retry with the same Idempotency-Key':
    '支付服务未响应，订单尚未确认，请使用相同的 Idempotency-Key 重试',
  'only the lab refunds': '只有服务机构可以办理退款',
  'only a captured card payment can be refunded': '只有已完成扣款的银行卡支付可以退款',
  'the payment processor did not answer; try the refund again': '支付服务未响应，请重新发起退款',
  'the payment processor could not be asked about this event; send it again':
    '暂时无法向支付机构核实该事件，请重新发送',
  'webhook refused: the webhook signing secret is the public development default; set STRIPE_WEBHOOK_SECRET to the secret the processor gave you':
    'Webhook 被拒绝：签名密钥仍是公开的开发默认值，请将 STRIPE_WEBHOOK_SECRET 设为支付机构提供的密钥',

  // Why a voucher cannot pay (the `detail`s of a quote's `ineligible`, joined into one sentence)
  'the enterprise’s certification has expired': '企业认证已过期',
  'this quota was revoked': '该额度已被撤销',
  'the programme has not started': '项目尚未开始',
  'the programme has ended (past its use-by date)': '项目已结束（已过使用截止日期）',
  'this instrument’s category is not covered by the programme': '该仪器类别不在项目支持范围内',
  'this provider is not in the programme’s list': '该服务机构不在项目指定的服务机构范围内',
  'this provider is not certified for voucher services': '该服务机构尚未通过创新券服务认证',
  'out-of-province providers need a justification and a programme that allows them':
    '省外服务机构须项目允许并填写选择理由',
  'the enterprise and this provider are related parties': '企业与该服务机构存在关联关系，不得使用创新券',
  'vouchers pay for external services to enterprises only': '创新券仅用于按企业价格计费的对外服务',

  // Ledger
  'a transfer needs two different accounts': '转账须涉及两个不同的账户',

  // Vouchers: programmes, certifications, related parties, quotas
  'the use-by date is before the start': '使用截止日期早于开始日期',
  'the claim-by date is before the use-by date': '兑付截止日期早于使用截止日期',
  'the year lies outside the programme’s dates': '年度不在项目起止日期内',
  'the order cap exceeds the per-enterprise cap': '单笔订单上限超过了单个企业上限',
  'the per-enterprise cap exceeds the budget': '单个企业上限超过了项目预算',
  'unknown category code': '仪器分类代码不存在',
  'the settlement mode cannot change once quotas are granted': '已发放额度后不能更改兑付方式',
  'the budget cannot drop below what is reserved and used': '预算不能低于已冻结和已使用的金额',
  'the certificate expires before it was issued': '证书到期日期早于发证日期',
  'that certificate number belongs to another enterprise': '该证书编号已属于其他企业',
  'unknown controller group': '实际控制人组不存在',
  'unknown enterprise': '企业不存在',
  'unknown provider': '服务机构不存在',
  'vouchers belong to enterprises': '创新券仅发放给企业',
  'unknown programme': '没有这个创新券项目',
  'the programme has ended': '该项目已结束',
  'the enterprise is not a certified technology-based SME': '该企业尚未通过科技型中小企业认证',
  'the enterprise already holds a quota in this programme': '该企业在本项目中已有额度',
  'the quota is already revoked': '该额度已被撤销',
  'that voucher quota is not your enterprise’s': '该创新券额度不属于贵企业',

  // Settlement (claims for vouchers)
  'only lab managers (and enterprises, in reimburse programmes) make claims':
    '只有仪器管理员（以及先付后补项目中的企业）可以申报兑付',
  'only the claimant edits and submits its batch': '只有申报方可以编辑和提交本批次',
  'only the responsible finance office reviews and pays this batch': '只有负责的财政部门可以审核和兑付本批次',
  'in a reimburse programme the enterprises claim, not the provider': '该项目为先付后补（企业申报），服务机构不能申报',
  'in a deduct programme the provider claims, not the enterprise':
    '该项目为直接抵扣（通兑），由服务机构申报兑付，企业不能申报',
  'not a month': '月份格式不正确',
  'that month has not begun': '该月份尚未开始',
  'no finance office is set up to review this claim': '尚未设置负责审核该申报的财政部门',
  'only a draft batch or a returned line can be changed': '只有草稿批次或被退回的明细可以修改',
  'that invoice number is already claimed': '该发票号已被申报过',
  'only lines of a draft batch or returned lines can be removed': '只能移除草稿批次中的明细或被退回的明细',
  'the batch has no lines': '该批次没有明细',
  'the line needs its invoice number': '该明细须填写发票号',
  'no line of this batch is approved: nothing to pay': '本批次没有已通过的明细，无需兑付',
  'the finance dashboard is for finance staff': '财务看板仅供财政审核人员使用',
  'reconciliation is for the provincial office and the platform’s finance desk':
    '对账仅限省级财政部门和平台财务人员使用',
  'the ledger is for finance staff': '账本仅供财务人员查看',
  'the whole ledger’s check is for the provincial office and the platform’s finance desk':
    '全账本平衡校验仅限省级财政部门和平台财务人员使用',
  'quotas are for finance staff and admins': '创新券额度仅供财务人员和平台管理员查看',
  'voucher records are for finance staff and admins': '创新券管理信息仅供财务人员和平台管理员查看',
  'a run covers 400 days at most': '一次对账最长覆盖 400 天',
  'the finding is already resolved': '该差异已处理',

  // Statistics
  'national reports are made by the institution’s lab managers or admins':
    '国家报表由本单位的仪器管理员或平台管理员生成',
  'an institution’s figures are for its lab managers, finance and admins':
    '单位统计数据仅对本单位的仪器管理员、财政审核员和平台管理员开放',
  'for labs, finance and admins': '仅对仪器管理员、财政审核员和平台管理员开放',
};

/** Messages with parts of their own, in order: the first that matches translates. */
export const ZH_DETAIL_PATTERNS: readonly Pattern[] = [
  ...mergedPatterns('detailPatterns'),
  // The HTTP layer; `invalid body: body.x: …; body.y: …` is rebuilt from its field errors (messages.ts).
  [/^unreadable request body \((.+)\)$/, '无法读取请求内容（$1）'],
  [/^the file is larger than (\d+) MB$/, '文件不能超过 $1 MB'],
  [/^no route (\S+) (.+)$/, '接口不存在：$1 $2'],
  [/^cross-site request refused \(Sec-Fetch-Site: (.+)\)$/, '已拒绝跨站请求（Sec-Fetch-Site: $1）'],
  [/^(.+) is not a valid instant$/, '$1 不是有效的时间'],
  [/^this needs the role (.+)$/, (roles) => `只有${list(roles, ' or ', '或', word(ROLE))}可以执行此操作`],

  // Accounts
  [/^the password is too weak: (.+)$/, (why) => `密码强度不足：${why.split('; ').map(word(PASSWORD_RULE)).join('；')}`],
  [/^(.+) already has an account$/, '$1 已有账号'],

  // Booking
  [/^the window may span (\d+) days at most$/, '查询时间范围最长为 $1 天'],
  [/^bookings must be at least (.+) long$/, (s) => `预约时长至少为 ${span(s)}`],
  [/^bookings can be at most (.+) long$/, (s) => `预约时长最多为 ${span(s)}`],
  [/^start and length must follow the (\d+)-minute grid$/, '开始时间和时长须按 $1 分钟的时段划分'],
  [/^bookings need (.+?)'s? notice$/, (s) => `须至少提前 ${span(s)}预约`],
  [/^bookings can be made at most (.+) ahead$/, (s) => `最多可提前 ${span(s)}预约`],
  [/^your training record for this instrument expired on (\d{4}-\d\d-\d\d)$/, '您的该仪器培训记录已于 $1 到期'],
  [
    /^cannot (\S+) a booking that is (\w+)$/,
    (action, status) => `该预约当前状态为“${bookingStatus(status)}”，无法${word(BOOKING_ACTION)(action)}`,
  ],
  [/^the booking is now (\w+)$/, (s) => `该预约的状态已变为“${bookingStatus(s)}”，请刷新后重试`],
  [
    /^check-in opens at (\d{4}-\d\d-\d\d \d\d:\d\d) \((.+) before the start\)$/,
    (at, s) => `尚未到签到时间：预约开始前 ${span(s)}起可签到（${at} 起）`,
  ],
  [
    /^a no-show can be recorded from (\d{4}-\d\d-\d\d \d\d:\d\d) \((.+) after the (start|wanted-by date)\)$/,
    (at, s, anchor) => `${at} 起才能记为爽约（${anchor === 'start' ? '预约开始' : '期望完成日期'}后 ${span(s)}）`,
  ],
  [
    /^check-in closed when the booking ended at (\d{4}-\d\d-\d\d \d\d:\d\d); record a no-show or cancel it with a reason$/,
    '预约已于 $1 结束，不能再签到；请记为爽约，或填写原因取消预约',
  ],

  // Checkout, payments, refunds
  [/^the payment processor refused the card: (.*)$/s, '支付机构拒绝了该银行卡：$1'],
  [/^at most (-?\d+) fen can still be refunded$/, (fen) => `最多还可退款 ${yuan(fen)}`],
  [/^the processor refused the refund: (.*)$/s, '支付机构拒绝了退款：$1'],
  [/^webhook refused: (.*)$/s, 'Webhook 被拒绝：$1'],

  // Ledger
  [/^transfer (.+) exists with other content$/, '转账 $1 已存在，且内容不同'],
  [/^no ledger account (.+)$/, '账户 $1 不存在'],
  [/^cannot post (-?\d+) fen of a pending (-?\d+) fen$/, (a, b) => `无法从冻结的 ${yuan(b)} 中核销 ${yuan(a)}`],
  [/^no pending transfer (.+)$/, '冻结转账 $1 不存在'],
  [
    /^pending transfer (.+) was already (\w+)$/,
    (id, state) => `冻结转账 ${id} 已${state === 'posted' ? '核销' : state === 'voided' ? '撤销' : `处理（${state}）`}`,
  ],
  [
    /^(.+): (-?\d+) fen exceeds the (-?\d+) fen left$/,
    (account, fen, left) => `${account}：${yuan(fen)} 超出剩余的 ${yuan(left)}`,
  ],
  [/^a transfer amount is a whole, non-negative number of fen \((.*)\)$/, '转账金额须为以分计的非负整数（$1）'],

  // Vouchers
  [/^unknown city (.+)$/, '城市代码不存在：$1'],
  [/^a year from (\d{4}) to (\d{4})$/, '年份须在 $1 至 $2 之间'],
  [
    /^a quota may not exceed the programme’s per-enterprise cap \((-?\d+) fen\)$/,
    (fen) => `额度不能超过项目的单个企业上限（${yuan(fen)}）`,
  ],

  // Settlement
  [/^claims for this programme closed on (\d{4}-\d\d-\d\d)$/, '该项目的兑付申报已于 $1 截止'],
  [/^no completed voucher uses to claim for (\d{4}-\d\d)$/, '$1 没有可申报的已完成创新券服务'],
  [/^a (\w+) batch cannot be submitted$/, (s) => `“${batchStatus(s)}”状态的批次不能提交`],
  [/^every line needs its invoice number \((\d+) missing\)$/, '每条明细都须填写发票号（还有 $1 条未填）'],
  [/^the batch is now (\w+)$/, (s) => `该批次的状态已变为“${batchStatus(s)}”，请刷新后重试`],
  [/^a (\w+) line cannot be resubmitted$/, (s) => `“${lineStatus(s)}”状态的明细不能重新提交`],
  [/^lines of a (\w+) batch cannot be reviewed$/, (s) => `“${batchStatus(s)}”状态批次中的明细不能审核`],
  [/^the line is already (\w+)$/, (s) => `该明细的状态已是“${lineStatus(s)}”`],
  [
    /^checks failed \((.*)\): approving needs an override reason$/,
    (names) => `以下自动核验未通过：${list(names, ',', '、', word(CHECK))}。如确需通过，请填写超规通过的理由`,
  ],
  [/^no receivable account (.+)$/, '应收账户 $1 不存在'],
  [
    /^a (\w+) batch cannot be paid before every line is decided$/,
    (s) => `每条明细审核完毕后才能兑付（批次当前状态为“${batchStatus(s)}”）`,
  ],
  [/^a (\w+) batch cannot be paid$/, (s) => `“${batchStatus(s)}”状态的批次不能兑付`],
];

// ---------------------------------------------------------------------------------------------------------
// `errors[].message`: what is wrong with one field (a field message that is a whole sentence, such
// as the vouchers' "the use-by date is before the start", is looked up among the details too)

/**
 * Field messages that stay as they are in every language: codes that clients compare against
 * (the SPA's KNOWN_REFUSALS and ClaimBatchPage, the tests, the booking problems of slots.ts).
 * Every snake_case message is a code too (e.g. `not_qualified`, `programme_ended`).
 */
export const FIELD_CODES: ReadonlySet<string> = new Set([
  'duplicate',
  'nothing to claim',
  'in the future',
  'claim period over',
  'unknown',
  'reimburse',
  'deduct',
  // BookabilityProblem values (slots.ts) and the processor's fallback code.
  'closed',
  'conflict',
  'rejected',
]);

export const ZH_FIELDS: Record<string, string> = {
  ...merged('fields'),
  required: '必填',
  'not allowed': '此处不能填写',
  'not shared': '未开放共享',
  'internal sharing': '仅限本单位内部共享',
  disabled: '未开放',
  'out of range': '超出范围',
  'too long': '时间跨度过长',
  'window too long': '时间范围过长',
  'before start': '早于开始时间',
  'not after from': '须晚于开始时间',
  'not after start': '须晚于开始时间',
  'at least 1': '至少为 1',
  'in the past': '不能早于今天',
  'no rate card': '未公示收费标准',
  malformed: '格式不正确',
  'not a recognised file type': '无法识别的文件类型',
  'an https:// address or a photo uploaded to the platform': '须为 https:// 地址或上传到平台的照片',
  'not an allowed photo host': '该图片网站不在平台允许的范围内，请上传照片',
  'not this instrument’s uploaded photo': '不是本仪器已上传的照片，请重新上传',
  'an uploaded photo’s file name': '不是有效的照片文件名',
  'a hostname such as images.example.cn': '须为主机名，如 images.example.cn',
  invalid: '无效',
  empty: '内容为空',
  taken: '已被占用',
  'already used': '已被使用',
  'not yours': '不属于贵企业',
  'not an enterprise': '不是企业',
  'not certified': '未通过认证',
  'unknown institution': '单位不存在',
  'unknown category code': '分类代码不存在',
  'unknown city code': '城市代码不存在',
  'quotas exist': '已发放额度',
  'past its use-by date': '已过使用截止日期',
  'above the per-enterprise cap': '超过单个企业上限',
  'not after certifiedOn': '须晚于认证日期',
  'more than captured': '超过已扣款金额',
  'useVoucher is false': '未选择使用创新券',
  'which institution owns it': '请指定仪器所属单位',
  'not an IANA time zone': '不是有效的 IANA 时区',
  'must not exceed maxBookingMinutes': '不能超过最长预约时长',
  'not for machine time': '不适用于机时预约',
  'not for samples': '不适用于送样检测',
  '"none" cannot be combined with a hazard': '“无”不能与其他危险特性同时选择',
  'each hazard once': '每种危险特性只能选一次',
  'a cursor pages the newest-first order without an offset': '分页游标只用于按最新排序、且不带偏移量的翻页',
  'not a cursor this API issued': '不是本接口生成的分页游标',
  'a cursor pages the default order without an offset or a sort':
    '分页游标只用于默认排序、且不带偏移量和排序参数的翻页',
  'not of this order': '与当前排序方向不符',
  'not a valid instant': '不是有效的时间',
  'YYYY-MM-DD': '格式应为 YYYY-MM-DD',
  'YYYY-MM': '格式应为 YYYY-MM',

  // The messages of the API's zod schemas
  'a positive integer id': '须为正整数 ID',
  'whole minutes': '须为整数分钟',
  'an ISO 8601 instant with an offset': '须为带时区偏移的 ISO 8601 时间',
  'a local time HH:mm': '须为当地时间 HH:mm',
  'each interval must end after it starts': '每个时段的结束时间必须晚于开始时间',
  'one of 5, 10, 15, 20, 30, 60': '须为 5、10、15、20、30、60 之一',
  'a card token from the payment form': '须为支付表单生成的银行卡令牌',
  'a 6-digit city code': '须为 6 位城市代码',
  'a 6-digit category code': '须为 6 位仪器分类代码',
  'a 6-digit national category code': '须为 6 位国家仪器分类代码',
  'a non-negative integer': '须为非负整数',
  'a comma-separated list of total, facets': '须为以逗号分隔的 total、facets',
  'minPriceFen must not exceed maxPriceFen': '最低价格不能高于最高价格',
  'a month YYYY-MM': '须为月份 YYYY-MM',
  'digits (spaces allowed)': '须为数字（可含空格）',
  '6–40 letters, digits or -': '须为 6–40 位字母、数字或“-”',
  'a year YYYY': '须为四位年份 YYYY',
  'a fraction 0–1': '须为 0–1 之间的小数',

  // zod's own messages without parts
  'Invalid input': '输入无效',
  'Invalid input: more than one option matched': '输入无效：匹配了多个选项',
};

/** zod's names of types (its English `expected`/`received`). */
const ZOD_TYPE: Record<string, string> = {
  string: '文本',
  number: '数字',
  int: '整数',
  bigint: '整数',
  boolean: '布尔值',
  object: '对象',
  array: '数组',
  date: '日期',
  null: '空值（null）',
  undefined: '空',
  nan: 'NaN',
  NaN: 'NaN',
  symbol: 'symbol',
  function: '函数',
  record: '对象',
  map: 'Map',
  set: 'Set',
  file: '文件',
};
const zodType = word(ZOD_TYPE);
const ZOD_UNIT: Record<string, string> = {
  characters: '个字符',
  items: '项',
  bytes: '字节',
  entries: '项',
  elements: '项',
};
const ZOD_FORMAT: Record<string, string> = {
  'email address': '电子邮箱地址',
  URL: '网址',
  'ISO datetime': 'ISO 日期时间',
  'ISO date': 'ISO 日期',
  'ISO time': 'ISO 时间',
  'ISO duration': 'ISO 时长',
  UUID: 'UUID',
  'IPv4 address': 'IPv4 地址',
  'IPv6 address': 'IPv6 地址',
  'base64-encoded string': 'base64 编码字符串',
  'JSON string': 'JSON 字符串',
  'E.164 number': 'E.164 电话号码',
};

/** "to have <=200 characters" / "to be >=1" in Chinese, for too_big (`most`) and too_small. */
function bound(big: boolean, op: string, n: string, unit?: string): string {
  const u = unit ? ` ${word(ZOD_UNIT)(unit)}` : '';
  if (op.startsWith('exactly')) return unit ? `须为 ${n}${u}` : `须等于 ${n}`;
  if (big) return op === '<' ? `须小于 ${n}${u}` : `不能超过 ${n}${u}`;
  if (unit === 'characters' && op === '>=' && n === '1') return '不能为空';
  return op === '>' ? `须大于 ${n}${u}` : `至少为 ${n}${u}`;
}

export const ZH_FIELD_PATTERNS: readonly Pattern[] = [
  ...mergedPatterns('fieldPatterns'),
  [/^no instrument (.+)$/, '仪器 $1 不存在'],
  [/^no category (.+)$/, '分类 $1 不存在'],
  [/^no city (.+)$/, '城市 $1 不存在'],
  [/^issued for sort=(.*)$/, '该游标属于另一种排序方式（sort=$1）'],
  [/^multiples of (\d+) minutes$/, '须为 $1 分钟的整数倍'],
  [/^not accepted: (.*)$/, '不支持的文件类型：$1'],
  [/^at least (-?\d+) fen$/, (fen) => `至少为 ${yuan(fen)}`],
  [/^lines (.+) have no invoice number$/, '明细 $1 未填写发票号'],

  // zod's default messages (zod/v4/locales/en)
  [
    /^Invalid input: expected (\w+), received (\w+)$/,
    (expected, received) =>
      received === 'undefined' ? '必填' : `类型不正确：应为${zodType(expected)}，实际为${zodType(received)}`,
  ],
  [/^Invalid input: expected (.+)$/, (v) => `输入无效，应为 ${v.replace(/^"(.*)"$/, '“$1”')}`],
  [
    /^Invalid option: expected one of (.+)$/,
    (values) => `选项无效，可选值：${list(values, '|', '、', (v) => v.replace(/^"(.*)"$/, '“$1”'))}`,
  ],
  [/^Too big: expected \w+ to have (<=|<|exactly )(\S+) (\w+)$/, (op, n, unit) => bound(true, op.trim(), n, unit)],
  [/^Too big: expected \w+ to be (<=|<|exactly )(\S+)$/, (op, n) => bound(true, op.trim(), n)],
  [/^Too small: expected \w+ to have (>=|>|exactly )(\S+) (\w+)$/, (op, n, unit) => bound(false, op.trim(), n, unit)],
  [/^Too small: expected \w+ to be (>=|>|exactly )(\S+)$/, (op, n) => bound(false, op.trim(), n)],
  [/^Invalid string: must start with "(.*)"$/, '须以“$1”开头'],
  [/^Invalid string: must end with "(.*)"$/, '须以“$1”结尾'],
  [/^Invalid string: must include "(.*)"$/, '须包含“$1”'],
  [/^Invalid string: must match pattern (.+)$/, '格式不正确'],
  [/^Invalid number: must be a multiple of (.+)$/, '须为 $1 的整数倍'],
  [/^Unrecognized keys?: (.+)$/, '不支持的字段：$1'],
  [/^Invalid key in (.+)$/, '键无效'],
  [/^Invalid value in (.+)$/, '值无效'],
  [/^Invalid discriminator value\. Expected (.+)$/, '类型无效，可选值：$1'],
  [
    /^Invalid (.+)$/,
    (format) => (Object.hasOwn(ZOD_FORMAT, format) ? `不是有效的${ZOD_FORMAT[format]}` : `格式无效（${format}）`),
  ],
];
