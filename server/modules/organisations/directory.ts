/**
 * The platform's directory of organisations (platform admins): every organisation by kind, status and
 * a search, contacts masked in the list and whole on its page; and the finance offices it sets up —
 * the province's, a city's or a county's — whose officers it then invites.
 */
import { z } from 'zod';
import type { OrganisationKind, OrganisationStatus } from '../../../db/schema/index.ts';
import { decodeCursor, encodeCursor } from '../../shared/cursor.ts';
import { AppError, badRequest, forbidden, notFound } from '../../shared/errors.ts';
import type { Actor } from '../auth/actor.ts';
import { administers, loadOrganisationView, organisationView, type OrganisationsContext } from './context.ts';
import type { OrganisationSort } from './organisations.repo.ts';
import type { FinanceOfficeInput } from './organisations.schemas.ts';

const PAGE = 50;
const cursorSchema = z.object({ before: z.number().int().positive() });

const onlyAdmins = (actor: Actor) => {
  if (actor.role !== 'platform_admin') throw forbidden('the directory of organisations is for platform admins');
};

export class Directory {
  constructor(private readonly ctx: OrganisationsContext) {}

  /**
   * A page of the directory: by cursor (newest first, as before), or numbered (`offset`, any `sort`),
   * which also counts every match (`total`) so the list can show its pages.
   */
  async list(
    actor: Actor,
    q: {
      kind?: OrganisationKind;
      status?: OrganisationStatus;
      q?: string;
      cursor?: string;
      sort?: OrganisationSort;
      offset?: number;
      limit?: number;
    },
  ) {
    onlyAdmins(actor);
    const size = q.limit ?? PAGE;
    const before = q.cursor ? decodeCursor(q.cursor, cursorSchema).before : undefined;
    const filter = { kinds: q.kind ? [q.kind] : undefined, status: q.status, q: q.q || undefined };
    const numbered = q.offset !== undefined || (q.sort ?? 'newest') !== 'newest';
    const [rows, total] = await Promise.all([
      this.ctx.repo.list({ ...filter, before, sort: q.sort, offset: q.offset, limit: size + 1 }),
      numbered ? this.ctx.repo.count(filter) : undefined,
    ]);
    const page = rows.slice(0, size);
    return {
      items: page.map((r) => ({
        ...organisationView(r, { cityName: r.cityName, countyName: r.countyName }, true),
        people: r.people,
      })),
      // Numbered pages go on with the next offset; the cursor follows the newest-first order only.
      nextCursor: rows.length > size && !numbered ? encodeCursor({ before: page.at(-1)!.id }) : null,
      ...(total !== undefined ? { total } : {}),
    };
  }

  /** An organisation's whole record: platform admins, and the organisation's own administrators. */
  async get(actor: Actor, id: number) {
    const org = await this.ctx.repo.organisation(id);
    if (!org || !administers(actor, id)) throw notFound('organisation');
    return loadOrganisationView(this.ctx.repo, org);
  }

  /** Sets up a finance office (approved at once); its officers are invited to it afterwards. */
  async createFinanceOffice(actor: Actor, input: FinanceOfficeInput) {
    onlyAdmins(actor);
    const { ctx } = this;
    const bad = (path: string, message: string) => badRequest(message, [{ path: `body.${path}`, message }]);
    let cityCode: string | null = null;
    let countyCode: string | null = null;
    if (input.level === 'province') {
      if (input.cityCode || input.countyCode) throw bad('cityCode', 'a provincial office has no city or county');
    } else {
      if (!input.cityCode) throw bad('cityCode', 'a city or county office needs its city');
      const city = await ctx.repo.city(input.cityCode);
      if (!city) throw bad('cityCode', 'not a city of the province');
      cityCode = city.code;
      if (input.level === 'county') {
        if (!input.countyCode) throw bad('countyCode', 'a county office needs its county');
        const county = await ctx.repo.county(input.countyCode);
        if (!county || county.cityCode !== city.code) throw bad('countyCode', 'not a county of that city');
        countyCode = county.code;
      } else if (input.countyCode) throw bad('countyCode', 'a city office has no county');
    }
    return ctx.db.write(async (tx) => {
      const repo = ctx.repo.with(tx);
      const taken = await repo.list({ kinds: ['finance_office'], q: input.name, limit: 20 });
      if (taken.some((o) => o.name === input.name))
        throw new AppError('conflict', 'a finance office of this name exists', [
          { path: 'body.name', message: 'taken' },
        ]);
      const now = ctx.clock.now();
      const org = await repo.insertOrganisation({
        kind: 'finance_office',
        name: input.name,
        financeLevel: input.level,
        cityCode,
        countyCode,
        address: input.address ?? null,
        contactName: input.contactName ?? null,
        contactPhone: input.contactPhone ?? null,
        status: 'approved',
        createdAt: now,
        updatedAt: now,
      });
      await ctx.audit.record(
        {
          action: 'organisation.finance_office_create',
          actor,
          subject: { type: 'organisation', id: org.id },
          details: { name: org.name, level: input.level, cityCode, countyCode },
        },
        tx,
      );
      return loadOrganisationView(repo, org);
    });
  }
}
