/**
 * The audit log's vocabulary: each action recorded (dotted `area.verb`) with its label in Chinese and
 * English, and the areas (the part before the dot) the log can be filtered by. The export writes the
 * Chinese label beside the name; the SPA shows the label in the reader's language and offers the areas
 * and actions as filters. An action not listed here (yet) is shown by its name.
 *
 * A failure or refusal is the same action with outcome `failure` or `denied` (auth.login with outcome
 * failure is a failed sign-in), not an action of its own. Pure data: the SPA imports it.
 *
 * | area                | actions (who records them)                                                   |
 * |---------------------|------------------------------------------------------------------------------|
 * | auth                | login, logout, lockout, email_verify, password_change, password_check,       |
 * |                     | password_reset_requested, password_reset, second_factor_enabled/disabled/    |
 * |                     | failed, recovery_code_used, recovery_codes_regenerated, sessions_ended — auth |
 * | organisation        | register, update, document_upload, approve, return, reject,                  |
 * |                     | finance_office_create, join_request, member_invite, invitation_accept,       |
 * |                     | member_accept/decline/disable/enable, member_role_change — organisations     |
 * | certification       | apply, upload, resubmit, withdraw, approve, return, reject — applications     |
 * | voucher_application | apply, resubmit, withdraw, approve, return, reject — applications             |
 * | payment             | authorise (failure: declined or refused), capture, release, refund — checkout; |
 * |                     | transfer_receipt, transfer_return, transfer_proof, transfer_settings,         |
 * |                     | transfer_overdue_cancel — transfers                                           |
 * | settlement          | submit, line_approve, line_return, line_reject, pay — settlement              |
 * | reconciliation      | run (failure: the run failed), resolve — settlement                           |
 * | voucher             | programme_create, programme_update, quota_grant, quota_revoke, quota_expire,  |
 * |                     | quota_auto_grant, certify, certification_revoke, controller_group_create,     |
 * |                     | related_party_declare, related_party_remove — vouchers, applications          |
 * | instrument          | create, update, schedule_update, closure_add, closure_remove (platform admins |
 * |                     | acting on an institution's instrument) — catalog, booking; listing_approve,   |
 * |                     | listing_return, listing_reject (reviewers) — listing                          |
 * | holiday             | put, delete — booking                                                         |
 * | integration         | api_key_create, api_key_revoke — integrations                                 |
 * | export              | settlement_batch, voucher_register, reconciliation_run, national_instruments, |
 * |                     | national_services, audit_log — each with its format, filters and row count    |
 */

export interface AuditLabel {
  zh: string;
  en: string;
}

/** The areas, in the order the SPA offers them. */
export const AUDIT_AREAS = {
  auth: { zh: '登录与账号安全', en: 'Sign-in and account security' },
  organisation: { zh: '单位与人员', en: 'Organisations and people' },
  certification: { zh: '科技型中小企业认定', en: 'SME certification' },
  voucher_application: { zh: '创新券申领', en: 'Voucher applications' },
  payment: { zh: '支付', en: 'Payments' },
  settlement: { zh: '兑付', en: 'Settlement' },
  reconciliation: { zh: '对账', en: 'Reconciliation' },
  voucher: { zh: '创新券管理', en: 'Voucher administration' },
  instrument: { zh: '仪器管理（管理员）', en: 'Instruments (by admins)' },
  holiday: { zh: '节假日日历', en: 'Holiday calendar' },
  integration: { zh: '数据对接', en: 'System integration' },
  export: { zh: '数据导出', en: 'Data exports' },
} as const satisfies Record<string, AuditLabel>;

export type AuditArea = keyof typeof AUDIT_AREAS;

/** The actions this platform records, with their labels. */
export const AUDIT_ACTIONS: Record<string, AuditLabel> = {
  'auth.login': { zh: '登录', en: 'Sign-in' },
  'auth.logout': { zh: '退出登录', en: 'Sign-out' },
  'auth.lockout': { zh: '账号锁定', en: 'Account locked out' },
  'auth.email_verify': { zh: '验证邮箱', en: 'E-mail verified' },
  'auth.password_change': { zh: '修改密码', en: 'Password changed' },
  'auth.password_check': { zh: '核验密码', en: 'Password checked' },
  'auth.password_reset_requested': { zh: '申请重置密码', en: 'Password reset requested' },
  'auth.password_reset': { zh: '重置密码', en: 'Password reset' },
  'auth.second_factor_enabled': { zh: '启用两步验证', en: 'Two-step verification enabled' },
  'auth.second_factor_disabled': { zh: '停用两步验证', en: 'Two-step verification disabled' },
  'auth.second_factor_failed': { zh: '两步验证失败', en: 'Two-step verification failed' },
  'auth.recovery_code_used': { zh: '使用恢复码', en: 'Recovery code used' },
  'auth.recovery_codes_regenerated': { zh: '重新生成恢复码', en: 'Recovery codes regenerated' },
  'auth.sessions_ended': { zh: '结束会话', en: 'Sessions ended' },

  'organisation.register': { zh: '单位注册', en: 'Organisation registered' },
  'organisation.update': { zh: '修改单位信息', en: 'Organisation changed' },
  'organisation.document_upload': { zh: '上传单位材料', en: 'Organisation document uploaded' },
  'organisation.approve': { zh: '注册审核通过', en: 'Registration approved' },
  'organisation.return': { zh: '注册退回修改', en: 'Registration returned' },
  'organisation.reject': { zh: '注册不予通过', en: 'Registration rejected' },
  'organisation.finance_office_create': { zh: '创建财政（科技）部门', en: 'Finance office created' },
  'organisation.join_request': { zh: '申请加入单位', en: 'Asked to join' },
  'organisation.member_invite': { zh: '邀请成员', en: 'Member invited' },
  'organisation.invitation_accept': { zh: '接受邀请', en: 'Invitation accepted' },
  'organisation.member_accept': { zh: '同意加入', en: 'Member accepted' },
  'organisation.member_decline': { zh: '拒绝加入', en: 'Member declined' },
  'organisation.member_disable': { zh: '停用成员', en: 'Member disabled' },
  'organisation.member_enable': { zh: '启用成员', en: 'Member re-enabled' },
  'organisation.member_role_change': { zh: '变更角色', en: 'Role changed' },
  'organisation.submit': { zh: '提交注册审核', en: 'Registration submitted' },
  'organisation.resubmit': { zh: '重新提交注册审核', en: 'Registration resubmitted' },
  'organisation.member_manage': { zh: '管理其他单位人员', en: 'Another organisation’s people managed' },
  'organisation.people_view': { zh: '查看其他单位人员', en: 'Another organisation’s people viewed' },

  'certification.apply': { zh: '申请企业认定', en: 'Certification applied for' },
  'certification.upload': { zh: '上传认定材料', en: 'Certification document uploaded' },
  'certification.resubmit': { zh: '重新提交认定申请', en: 'Certification resubmitted' },
  'certification.withdraw': { zh: '撤回认定申请', en: 'Certification withdrawn' },
  'certification.approve': { zh: '认定审核通过', en: 'Certification approved' },
  'certification.return': { zh: '认定退回修改', en: 'Certification returned' },
  'certification.reject': { zh: '认定不予通过', en: 'Certification rejected' },

  'voucher_application.apply': { zh: '申领创新券', en: 'Voucher applied for' },
  'voucher_application.resubmit': { zh: '重新提交申领', en: 'Voucher application resubmitted' },
  'voucher_application.withdraw': { zh: '撤回申领', en: 'Voucher application withdrawn' },
  'voucher_application.approve': { zh: '申领审核通过', en: 'Voucher application approved' },
  'voucher_application.return': { zh: '申领退回修改', en: 'Voucher application returned' },
  'voucher_application.reject': { zh: '申领不予通过', en: 'Voucher application rejected' },

  'payment.authorise': { zh: '银行卡预授权', en: 'Card payment authorised' },
  'payment.capture': { zh: '银行卡扣款', en: 'Card payment captured' },
  'payment.release': { zh: '释放预授权', en: 'Card hold released' },
  'payment.refund': { zh: '退款', en: 'Refund' },
  'agreement.accept': { zh: '接受服务协议', en: 'Service agreement accepted' },
  'payment.transfer_receipt': { zh: '对公转账到账确认', en: 'Bank transfer received' },
  'payment.transfer_return': { zh: '退回多付转账', en: 'Transfer excess returned' },
  'payment.transfer_proof': { zh: '上传到账凭证', en: 'Transfer proof attached' },
  'payment.transfer_settings': { zh: '修改对公转账设置', en: 'Transfer settings changed' },
  'payment.transfer_overdue_cancel': { zh: '逾期未付取消预约', en: 'Unpaid booking cancelled' },

  'settlement.submit': { zh: '提交兑付批次', en: 'Settlement batch submitted' },
  'settlement.line_approve': { zh: '兑付明细审核通过', en: 'Claim line approved' },
  'settlement.line_return': { zh: '兑付明细退回修改', en: 'Claim line returned' },
  'settlement.line_reject': { zh: '兑付明细不予兑付', en: 'Claim line rejected' },
  'settlement.pay': { zh: '兑付付款', en: 'Settlement batch paid' },

  'reconciliation.run': { zh: '对账运行', en: 'Reconciliation run' },
  'reconciliation.resolve': { zh: '处理对账差异', en: 'Reconciliation finding resolved' },

  'voucher.programme_create': { zh: '创建创新券项目', en: 'Voucher programme created' },
  'voucher.programme_update': { zh: '修改创新券项目', en: 'Voucher programme changed' },
  'voucher.shared_cap_create': { zh: '设置跨项目共享上限', en: 'Shared cap created' },
  'voucher.shared_cap_update': { zh: '修改跨项目共享上限', en: 'Shared cap changed' },
  'voucher.shared_cap_remove': { zh: '删除跨项目共享上限', en: 'Shared cap removed' },
  'voucher.quota_grant': { zh: '发放创新券额度', en: 'Voucher quota granted' },
  'voucher.quota_revoke': { zh: '收回创新券额度', en: 'Voucher quota revoked' },
  'voucher.quota_expire': { zh: '额度到期收回', en: 'Voucher quota expired' },
  'voucher.quota_auto_grant': { zh: '自动发放额度', en: 'Voucher quota granted automatically' },
  'voucher.certify': { zh: '科技型中小企业认定', en: 'Enterprise certified' },
  'voucher.certification_revoke': { zh: '撤销企业认定', en: 'Certification revoked' },
  'voucher.controller_group_create': { zh: '创建实际控制人组', en: 'Controller group created' },
  'voucher.related_party_declare': { zh: '登记关联关系', en: 'Related party declared' },
  'voucher.related_party_remove': { zh: '删除关联关系', en: 'Related party removed' },

  'instrument.create': { zh: '管理员发布仪器', en: 'Instrument published by an admin' },
  'instrument.update': { zh: '管理员修改仪器', en: 'Instrument edited by an admin' },
  'instrument.import': { zh: '管理员批量导入仪器', en: 'Instruments imported by an admin' },
  'instrument.schedule_update': { zh: '管理员修改开放规则', en: 'Opening rules changed by an admin' },
  'instrument.closure_add': { zh: '管理员设置停机', en: 'Closure added by an admin' },
  'instrument.closure_remove': { zh: '管理员取消停机', en: 'Closure removed by an admin' },
  'instrument.listing_approve': { zh: '入网审核通过', en: 'Listing approved' },
  'instrument.listing_return': { zh: '入网审核退回修改', en: 'Listing returned for changes' },
  'instrument.listing_reject': { zh: '入网审核不通过', en: 'Listing rejected' },

  'holiday.put': { zh: '设置节假日', en: 'Holiday set' },
  'holiday.delete': { zh: '删除节假日', en: 'Holiday removed' },

  'integration.api_key_create': { zh: '创建数据对接密钥', en: 'API key created' },
  'integration.api_key_revoke': { zh: '吊销数据对接密钥', en: 'API key revoked' },

  'export.settlement_batch': { zh: '导出兑付批次', en: 'Settlement batch exported' },
  'export.voucher_register': { zh: '导出创新券台账', en: 'Voucher register exported' },
  'export.reconciliation_run': { zh: '导出对账差异', en: 'Reconciliation findings exported' },
  'export.national_instruments': { zh: '导出国家上报仪器数据', en: 'National instrument records exported' },
  'export.national_services': { zh: '导出国家上报服务记录', en: 'National service records exported' },
  'export.audit_log': { zh: '导出审计日志', en: 'Audit log exported' },
};

/** The label of an action in a language, or the action's own name when it has none. */
export function actionLabel(action: string, lang: 'zh' | 'en'): string {
  return AUDIT_ACTIONS[action]?.[lang] ?? action;
}

export const OUTCOME_LABELS = {
  success: { zh: '成功', en: 'Success' },
  failure: { zh: '失败', en: 'Failure' },
  denied: { zh: '拒绝', en: 'Denied' },
} as const satisfies Record<string, AuditLabel>;
