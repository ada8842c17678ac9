/**
 * E-mails about a person's account — verify the address, reset the password, accept an invitation,
 * the password was changed. They go whatever the person's notification preferences say (they are not
 * notifications), through the same outbox, so a mail server that is down delays them and loses none.
 */
import { randomBytes } from 'node:crypto';
import type { NotificationsContext } from './context.ts';
import type { MailDelivery } from './delivery.ts';
import { renderEmail, type Rendered } from './templates.ts';

export type AccountMailKind = 'verify_email' | 'reset_password' | 'invitation' | 'password_changed';

export interface AccountMail {
  kind: AccountMailKind;
  to: string;
  userId: number;
  /** The person's name as the mail greets them. */
  name: string;
  /** A path of the SPA with its token (`/verify-email?token=…`); the public URL is put before it. */
  link?: string | null;
  /** Invitations: who invites, to which organisation. */
  organisationName?: string;
  invitedBy?: string;
  /** How long the link works, in minutes. */
  validMinutes?: number;
}

function texts(m: AccountMail): Rendered {
  const hours = m.validMinutes && m.validMinutes >= 120 ? Math.round(m.validMinutes / 60) : null;
  const zhValid = m.validMinutes
    ? `链接 ${hours ? `${hours} 小时` : `${m.validMinutes} 分钟`}内有效，只能使用一次。`
    : '';
  const enValid = m.validMinutes
    ? ` The link works once, for ${hours ? `${hours} hours` : `${m.validMinutes} minutes`}.`
    : '';
  switch (m.kind) {
    case 'verify_email':
      return {
        zh: {
          title: '请验证您的邮箱',
          body: `${m.name}，您好：\n请打开下面的链接验证您在山东省大型科学仪器共享服务平台注册的邮箱。${zhValid}\n如果不是您本人注册，请忽略本邮件。`,
        },
        en: {
          title: 'Verify your e-mail address',
          body: `Hello ${m.name},\nopen the link below to verify the e-mail address you registered on the platform.${enValid}\nIf you did not register, ignore this mail.`,
        },
      };
    case 'reset_password':
      return {
        zh: {
          title: '重置密码',
          body: `${m.name}，您好：\n有人（希望是您）申请重置平台密码。请打开下面的链接设置新密码。${zhValid}设置后，您在其他设备上的登录将全部退出。\n如果不是您本人操作，请忽略本邮件，您的密码不会改变。`,
        },
        en: {
          title: 'Reset your password',
          body: `Hello ${m.name},\nsomeone (we hope you) asked to reset your password. Open the link below to choose a new one.${enValid} Setting it signs you out everywhere else.\nIf it was not you, ignore this mail: your password stays as it is.`,
        },
      };
    case 'invitation':
      return {
        zh: {
          title: `邀请您加入「${m.organisationName ?? ''}」`,
          body: `${m.name}，您好：\n${m.invitedBy ?? '管理员'}邀请您加入山东省大型科学仪器共享服务平台上的「${m.organisationName ?? ''}」。请打开下面的链接设置密码并接受邀请。${zhValid}`,
        },
        en: {
          title: 'You are invited to join the platform',
          body: `Hello ${m.name},\n${m.invitedBy ?? 'an administrator'} invited you to join "${m.organisationName ?? ''}" on the Shandong Large Research Instrument Sharing Platform. Open the link below to choose a password and accept.${enValid}`,
        },
      };
    case 'password_changed':
      return {
        zh: {
          title: '您的密码已修改',
          body: `${m.name}，您好：\n您的平台密码刚刚被修改，其他设备上的登录已退出。如果不是您本人操作，请立即通过“忘记密码”重置密码并联系平台。`,
        },
        en: {
          title: 'Your password was changed',
          body: `Hello ${m.name},\nyour password was just changed and your other sessions were ended. If this was not you, reset your password with "Forgot password" at once and contact the platform.`,
        },
      };
  }
}

export class AccountMailer {
  constructor(
    private readonly ctx: NotificationsContext,
    private readonly delivery: MailDelivery,
  ) {}

  /** Queues the mail (in the caller's transaction, when there is one); the outbox sends it after commit. */
  async send(mail: AccountMail, now: number): Promise<void> {
    const base = this.ctx.mail?.publicUrl?.replace(/\/+$/, '') ?? '';
    const email = renderEmail(texts(mail), mail.link ? `${base}${mail.link}` : null);
    await this.ctx.db.write(async (tx) => {
      await this.ctx.repo.with(tx).insertEmails([
        {
          notificationId: null,
          userId: mail.userId,
          toAddress: mail.to,
          ...email,
          // Each mail is its own: a second reset asked for is a second mail.
          dedupeKey: `account:${mail.kind}:user:${mail.userId}:${now}:${randomBytes(6).toString('hex')}`,
          createdAt: now,
        },
      ]);
    });
    this.ctx.db.afterCommit(() => this.delivery.kick());
  }
}
