/** The pages' own Chinese texts, apart from the catalogue's (zh-CN.ts): fetched with the first other route. */
import { zh as accountPart } from './parts/account';
import { zh as organisationsPart } from './parts/organisations';
import { zh as applicationsPart } from './parts/applications';
import { zh as auditPart } from './parts/audit';
import { zh as agreementsPart } from './parts/agreements';
import { zh as transfersPart } from './parts/transfers';
import { zh as integrationsPart } from './parts/integrations';
import { zh as stagedPart } from './parts/staged';
import { zh as rulesPart } from './parts/rules';
import { zh as importsPart } from './parts/imports';
import { zh as listingPart } from './parts/listing';
import { zh as needsPart } from './parts/needs';
import { zh as workPart } from './parts/work';
import { zh as voucherAdminPart } from './parts/voucherAdmin';
import { zhPages } from './zh-pages';

const zhParts = {
  ...zhPages,
  account: accountPart,
  organisations: organisationsPart,
  applications: applicationsPart,
  audit: auditPart,
  agreements: agreementsPart,
  transfers: transfersPart,
  integrations: integrationsPart,
  staged: stagedPart,
  rules: rulesPart,
  imports: importsPart,
  listing: listingPart,
  needs: needsPart,
  work: workPart,
  voucherAdmin: voucherAdminPart,
};
export type ZhParts = typeof zhParts;
export default zhParts;
