/**
 * The checks a registration's fields pass, at registration and at each change: the credit code
 * (GB 32100, and 91 for an enterprise), the kind of institution, a city of the province and a county
 * of that city; and the conflicts with what is registered already.
 */
import type { OrganisationKind } from '../../../db/schema/index.ts';
import { AppError } from '../../shared/errors.ts';
import { creditCodeMessage, creditCodeProblem, isEnterpriseCreditCode } from './credit-code.ts';
import type { OrganisationRow, OrganisationsRepo } from './organisations.repo.ts';

export type FieldError = { path: string; message: string };
const field = (path: string, message: string): FieldError => ({ path: `body.${path}`, message });

/** What is wrong with an organisation's fields; empty when nothing. `creditCode` is canonical. */
export async function organisationProblems(
  repo: OrganisationsRepo,
  o: {
    kind: OrganisationKind;
    creditCode: string;
    institutionType: string | null;
    cityCode: string;
    countyCode: string;
  },
): Promise<FieldError[]> {
  const errors: FieldError[] = [];
  const problem = creditCodeProblem(o.creditCode);
  if (problem) errors.push(field('creditCode', creditCodeMessage(problem)));
  else if (o.kind === 'enterprise' && !isEnterpriseCreditCode(o.creditCode))
    errors.push(field('creditCode', 'an enterprise’s credit code starts with 91'));
  if (o.kind === 'institution' && !o.institutionType)
    errors.push(field('institutionType', 'say what kind of institution it is'));
  const city = await repo.city(o.cityCode);
  if (!city) errors.push(field('cityCode', 'not a city of the province'));
  const county = await repo.county(o.countyCode);
  if (!county) errors.push(field('countyCode', 'not a county of the province'));
  else if (city && county.cityCode !== city.code) errors.push(field('countyCode', 'not a county of that city'));
  return errors;
}

/** The 409 for a credit code another organisation has: ask to join it (or, rejected, the platform). */
export function creditCodeTaken(org: OrganisationRow): AppError {
  return org.status === 'rejected'
    ? new AppError('conflict', 'a registration with this credit code was rejected; contact the platform', [
        field('creditCode', 'already registered'),
      ])
    : new AppError('conflict', 'an organisation with this credit code is already registered; ask to join it', [
        field('creditCode', 'already registered'),
      ]);
}

export const emailTaken = () =>
  new AppError('conflict', 'this e-mail address already has an account; sign in, or reset its password', [
    field('email', 'already has an account'),
  ]);
