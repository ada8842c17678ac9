/**
 * The voucher office's admin lists (issue 17): enterprises, quotas, related parties and programmes
 * searched, filtered, sorted and paged. `zh` is the source (its keys are the type), `en` must have
 * the same keys.
 */
export const zh = {
  actions: '操作',
  enterprises: {
    allCities: '全部城市',
    allStates: '全部认证状态',
    balance: '额度余额',
    place: '城市 · 信用代码',
    quotas: '查看额度',
    sort: {
      registered: '注册顺序',
      name: '按名称',
      balanceDesc: '额度余额从高到低',
      balanceAsc: '额度余额从低到高',
    },
  },
  quotas: {
    allProgrammes: '全部项目',
    allStatuses: '全部状态',
    search: '搜索企业名称',
    programme: '项目',
    onlyEnterprise: '只看该企业',
    onlyProgramme: '只看该项目',
    pickProgramme: '请选择项目',
    sort: {
      newest: '最新核定',
      oldest: '最早核定',
      amountDesc: '额度从高到低',
      amountAsc: '额度从低到高',
    },
  },
  related: {
    search: '搜索企业或服务机构名称',
    allRelations: '全部关联类型',
    onlyEnterprise: '只看该企业',
    delete: '删除',
    sort: {
      newest: '最新登记',
      oldest: '最早登记',
      enterprise: '按企业名称',
    },
  },
  programmes: {
    search: '搜索项目名称',
    allYears: '全部年度',
    allStatuses: '全部状态',
    quotas: '查看额度',
    listHint: '项目数量很少，搜索、筛选和排序在浏览器中完成',
    sort: {
      year: '按年度',
      name: '按名称',
      available: '按可用预算',
    },
  },
};

export const en: typeof zh = {
  actions: 'Actions',
  enterprises: {
    allCities: 'All cities',
    allStates: 'Any certification',
    balance: 'Quota left',
    place: 'City · credit code',
    quotas: 'View quotas',
    sort: {
      registered: 'Registration order',
      name: 'By name',
      balanceDesc: 'Most quota left',
      balanceAsc: 'Least quota left',
    },
  },
  quotas: {
    allProgrammes: 'All programmes',
    allStatuses: 'Any status',
    search: 'Search enterprise name',
    programme: 'Programme',
    onlyEnterprise: 'Only this enterprise',
    onlyProgramme: 'Only this programme',
    pickProgramme: 'Choose a programme',
    sort: {
      newest: 'Newest granted',
      oldest: 'Oldest granted',
      amountDesc: 'Largest amount',
      amountAsc: 'Smallest amount',
    },
  },
  related: {
    search: 'Search enterprise or provider name',
    allRelations: 'Any relation',
    onlyEnterprise: 'Only this enterprise',
    delete: 'Delete',
    sort: {
      newest: 'Newest declared',
      oldest: 'Oldest declared',
      enterprise: 'By enterprise name',
    },
  },
  programmes: {
    search: 'Search programme name',
    allYears: 'All years',
    allStatuses: 'Any status',
    quotas: 'View quotas',
    listHint: 'There are few programmes: search, filters and sorting work in the browser',
    sort: {
      year: 'By year',
      name: 'By name',
      available: 'By budget available',
    },
  },
};
