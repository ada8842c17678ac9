/** The Chinese of this module's server messages (merged into server/shared/messages.zh.ts). */
import type { MessageCatalogue } from '../../shared/message-catalogue.ts';

export const MESSAGES: MessageCatalogue = {
  notFound: { session: '该登录会话', user: '用户' },
  details: {
    // Restricted accounts (actor.ts)
    'verify your e-mail address first': '请先验证您的邮箱',
    'your organisation is not approved yet': '您的单位尚未通过审核',
    'your organisation has not accepted you yet': '您所在单位的管理员尚未同意您的加入申请',
    'your password has expired; change it first': '您的密码已过期，请先修改密码',
    'set up two-step verification first': '请先设置两步验证',

    // Signing in, second step
    'sign in with your password first': '请先使用密码登录',
    'wrong or expired code': '验证码错误或已过期',

    // Passwords
    'the password is wrong': '密码错误',
    'the new password must differ from the current one': '新密码不能与当前密码相同',
    'this reset link has been used already; ask for a new one if you need to':
      '该重置链接已被使用；如仍需重置，请重新申请',
    'this reset link has expired; ask for a new one': '该重置链接已过期，请重新申请',
    'this reset link is not valid; ask for a new one': '该重置链接无效，请重新申请',

    // Sessions
    'only your own organisation’s administrators or the platform can end a person’s sessions':
      '只有本单位管理员或平台管理员可以强制该用户下线',

    // Second factor
    'start setting up two-step verification first': '请先开始设置两步验证',
    'the set-up was started again elsewhere; scan the new code': '两步验证已在别处重新开始设置，请扫描新的二维码',
    'two-step verification is not on': '尚未开启两步验证',
    'two-step verification is required for your role; set up a new authenticator instead of turning it off':
      '您的角色必须使用两步验证，无法关闭；如需更换设备，请重新绑定身份验证器',
  },
  detailPatterns: [
    [
      /^too many wrong passwords or codes; the account is locked until (.+) \(Beijing time\)$/,
      '密码或验证码错误次数过多，账号已临时锁定至 $1（北京时间），届时可再试；也可通过“忘记密码”重置密码',
    ],
    [
      /^too many failed sign-ins from your network; try again after (.+) \(Beijing time\)$/,
      '您所在网络的登录失败次数过多，请于 $1（北京时间）后再试',
    ],
    [
      /^too many password reset requests; try again after (.+) \(Beijing time\)$/,
      '重置密码请求过多，请于 $1（北京时间）后再试',
    ],
  ],
  fields: {
    // passwordProblems' rules (password.ts PASSWORD_RULES), for forms that show them field by field
    'at least 10 characters': '至少 10 个字符',
    'at least three of: lower case, upper case, digits, symbols': '至少包含小写字母、大写字母、数字、符号中的三种',
    'not the e-mail address or its name': '不得包含邮箱地址或邮箱用户名',
    'not a commonly used password': '不得使用常见密码',
    'wrong password': '密码错误',
    'the same as the current password': '与当前密码相同',
    'give either code or recoveryCode': '请填写验证码或恢复码（二选一）',
    'a session id': '会话编号格式不正确',
  },
  fieldPatterns: [],
};
