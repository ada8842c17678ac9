/**
 * The working pages of labs, finance and admins (issue 17): the reimburse-claims gate, the tables'
 * search, filters and row menus, the schedule form's units, zone and closures. `zh` is the source
 * (its keys are the type), `en` must have the same keys.
 */
export const zh = {
  claimsGate: {
    title: '您的企业无需自行报销',
    text: '您的企业持有的创新券均为通兑（直接抵扣）方式：下单时创新券部分直接抵扣，您只需支付自付部分，创新券部分由服务机构向财政部门申报兑付。“我的报销”只用于先付后补（报销）方式的创新券。',
    vouchers: '查看我的创新券',
    bookings: '查看我的预约',
  },
  table: {
    more: '更多操作',
    total: '共 {{total}} 条',
    search: '搜索',
  },
  instruments: {
    search: '搜索名称、型号、编号',
    anyStatus: '全部运行状态',
  },
  organisations: {
    sort: {
      newest: '最新注册',
      oldest: '最早注册',
      name: '名称',
    },
    details: '详情',
  },
  schedule: {
    hoursUnit: '小时',
    hoursHint: '可填小数，如 0.5 小时 = 30 分钟',
    copyToAll: '复制到每个工作日',
    copyToAllWeek: '复制到每天',
    copyHint: '把{{day}}的开放时段复制到其他日子',
    copied: '已把{{day}}的时段复制到{{target}}',
    weekdays: '周一至周五',
    allDays: '每天',
    zoneSearch: '搜索时区，如 Shanghai、UTC+8',
    beijing: '北京时间',
    zoneInvalid: '请选择有效的时区',
    wholeMinutes: '换算后须为整数分钟',
    hoursRange: '应在 {{min}}–{{max}} 小时之间',
    closureWholeDay: '整天',
    closureStart: '开始',
    closureEnd: '结束',
    closureOrder: '结束时间须晚于开始时间',
  },
};

export const en: typeof zh = {
  claimsGate: {
    title: 'Your enterprise has nothing to claim itself',
    text: 'Every voucher your enterprise holds is settled by direct deduction: the voucher share is deducted at checkout, you pay only your own share, and the provider claims the voucher share from the finance office. “My claims” is for reimbursement (pay all, claim later) vouchers only.',
    vouchers: 'My vouchers',
    bookings: 'My bookings',
  },
  table: {
    more: 'More actions',
    total: '{{total}} in all',
    search: 'Search',
  },
  instruments: {
    search: 'Search name, model, number',
    anyStatus: 'Any run status',
  },
  organisations: {
    sort: {
      newest: 'Newest first',
      oldest: 'Oldest first',
      name: 'Name',
    },
    details: 'Details',
  },
  schedule: {
    hoursUnit: 'hours',
    hoursHint: 'Decimals allowed: 0.5 hours = 30 minutes',
    copyToAll: 'Copy to every weekday',
    copyToAllWeek: 'Copy to every day',
    copyHint: 'Copy {{day}}’s opening hours to other days',
    copied: 'Copied {{day}}’s hours to {{target}}',
    weekdays: 'Monday to Friday',
    allDays: 'every day',
    zoneSearch: 'Search a zone, e.g. Shanghai, UTC+8',
    beijing: 'China Standard Time',
    zoneInvalid: 'Choose a valid time zone',
    wholeMinutes: 'Must come to whole minutes',
    hoursRange: 'Between {{min}} and {{max}} hours',
    closureWholeDay: 'Whole days',
    closureStart: 'Start',
    closureEnd: 'End',
    closureOrder: 'The end must come after the start',
  },
};
