/** The Chinese of this module's server messages (merged into server/shared/messages.zh.ts). */
import type { MessageCatalogue } from '../../shared/message-catalogue.ts';

/** Registration statuses as the SPA shows them. */
const STATUS: Record<string, string> = {
  unverified: '待提交',
  pending_review: '待审核',
  returned: '已退回修改',
  approved: '已通过',
  rejected: '未通过',
};
const ROLE: Record<string, string> = {
  researcher: '企业研发人员',
  lab_manager: '仪器管理员',
  finance_officer: '财政审核员',
  platform_admin: '平台管理员',
};
const word = (table: Record<string, string>) => (key: string) => (Object.hasOwn(table, key) ? table[key]! : key);
const status = word(STATUS);

export const MESSAGES: MessageCatalogue = {
  notFound: {
    document: '材料',
    organisation: '单位',
    registration: '注册申请',
    person: '该人员',
  },
  details: {
    'documents are PDF files or JPEG or PNG scans': '材料须为 PDF 文件或 JPEG、PNG 扫描件',

    // Signing up
    'the registration has mistakes; see the marked fields': '注册信息有误，请检查标出的字段',
    'the request has mistakes; see the marked fields': '申请信息有误，请检查标出的字段',
    'an organisation with this credit code is already registered; ask to join it':
      '该统一社会信用代码对应的单位已在平台注册，请申请加入该单位',
    'a registration with this credit code was rejected; contact the platform':
      '该统一社会信用代码的注册申请未通过审核，请联系平台',
    'this e-mail address already has an account; sign in, or reset its password':
      '该邮箱已注册账号，请直接登录或找回密码',
    'this e-mail address already has an account': '该邮箱已注册账号',
    'no organisation is registered with this credit code; register it instead':
      '没有以该统一社会信用代码注册的单位，请先注册单位',
    'this organisation adds its people by invitation; ask its administrator to invite you':
      '该单位的人员由管理员邀请加入，请联系其管理员邀请您',
    'too many accounts were created from your network; try again later': '您所在网络注册的账号过多，请稍后再试',
    'this link has expired or was already used': '链接已过期或已被使用，请重新获取',
    'your e-mail address is already verified': '您的邮箱已验证',
    'a link was sent a moment ago; wait a minute before asking again': '验证邮件刚刚已发送，请一分钟后再试',

    // The applicant's registration
    'only the organisation’s administrator changes its registration': '只有本单位的管理员可以修改注册信息',
    'the registration is already awaiting review': '注册申请已在审核中',
    'upload the required documents first': '请先上传所需的材料',
    'the file is empty': '文件为空',
    'a registration takes a business licence, an authorisation letter or other documents':
      '注册材料为营业执照（或法人登记证书）、授权委托书或其他材料',

    // Review
    'registrations are reviewed by the platform and, where so set, the city offices':
      '单位注册由平台（以及按设置由所在城市的主管部门）审核',

    // People
    'only the organisation’s administrators manage its people': '只有本单位的管理员可以管理人员',
    'you cannot change your own role; ask another administrator': '不能修改自己的角色，请联系其他管理员',
    'you cannot do this to your own account': '不能对自己的账号执行此操作',
    'the account is already disabled': '该账号已停用',
    'the account is not disabled': '该账号未停用',
    'a declined request is not re-enabled; the person may ask again': '已拒绝的加入申请不能恢复，请其重新申请',
    'the person has no open request to join': '该人员没有待处理的加入申请',
    'the person has not verified their e-mail address yet': '该人员尚未验证邮箱',
    'this is the organisation’s last active administrator; make another one first':
      '这是本单位最后一位有效的管理员，请先指定其他管理员',
    'this is the platform’s last platform admin': '这是平台最后一位平台管理员',

    // The directory, finance offices
    'the directory of organisations is for platform admins': '单位名录仅供平台管理员使用',
    'a provincial office has no city or county': '省级部门不设城市或区县',
    'a city or county office needs its city': '市级或区县级部门须指定所在城市',
    'a county office needs its county': '区县级部门须指定所在区县',
    'a city office has no county': '市级部门不设区县',
    'not a city of the province': '不是本省的城市',
    'not a county of that city': '不是该城市的区县',
    'a finance office of this name exists': '已有同名的财政部门',
  },
  detailPatterns: [
    [/^the registration is (\w+); it can no longer be changed$/, (s) => `注册申请${status(s)}，不能再修改`],
    [/^the registration is (\w+), not awaiting review$/, (s) => `该注册申请${status(s)}，不在待审核状态`],
    [
      /^a person of this organisation has the role (.+)$/,
      (roles) => `该单位人员的角色须为${roles.split(' or ').map(word(ROLE)).join('或')}`,
    ],
  ],
  fields: {
    // GB 32100-2015
    'a credit code has 18 characters': '统一社会信用代码为 18 位',
    'a credit code uses digits and capital letters other than I, O, Z, S and V':
      '统一社会信用代码由数字和大写字母组成（不含 I、O、Z、S、V）',
    'the 1st character is not a registration authority code': '第 1 位不是有效的登记管理部门代码',
    'the 2nd character is not an organisation type of that authority': '第 2 位不是该登记管理部门的机构类别代码',
    'characters 3–8 are not an administrative division code': '第 3–8 位不是有效的行政区划代码',
    'the organisation code (characters 9–17) does not check': '第 9–17 位组织机构代码校验不通过',
    'the check character (the 18th) does not match': '第 18 位校验码不正确，请核对',
    'an enterprise’s credit code starts with 91': '企业的统一社会信用代码以 91 开头',
    'say what kind of institution it is': '请选择机构类型',
    'not a city of the province': '不是本省的城市',
    'not a county of the province': '不是本省的区县',
    'not a county of that city': '不是该城市的区县',
    'already registered': '已注册',
    'not registered': '未注册',
    'already has an account': '已注册账号',
    'expired or used': '已过期或已使用',
    'not a registration document': '不是注册材料',
    'not a role of this kind of organisation': '不是该类单位的角色',
    'a mainland mobile number of 11 digits': '须为 11 位手机号码',
    'a mobile number or a landline with its area code': '须为手机号码或带区号的固定电话',
    'a 6-digit county code': '须为 6 位区县代码',
    'give role or orgAdmin': '请指定角色或管理员设置',
    'a provincial office has no city or county': '省级部门不设城市或区县',
    'a city or county office needs its city': '须指定所在城市',
    'a county office needs its county': '须指定所在区县',
    'a city office has no county': '市级部门不设区县',
  },
  fieldPatterns: [],
};
