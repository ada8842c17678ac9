/**
 * The reference views of the catalogue: the category tree, the cities and the institutions, each
 * with its count of instruments (kept in the memo until the catalogue changes).
 */
import { badRequest } from '../../shared/errors.ts';
import type { CategoryNode } from './catalog.schemas.ts';
import type { CatalogContext } from './context.ts';

export class ReferenceViews {
  constructor(private readonly ctx: CatalogContext) {}

  async categoryTree(): Promise<CategoryNode[]> {
    const ref = await this.ctx.ref();
    return this.ctx.db.read(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      return this.ctx.cached(repo, 'categories', async () => {
        const counts = new Map((await repo.countsByCategory()).map((r) => [r.code, r.n]));
        const nodes = new Map<string, CategoryNode>();
        const roots: CategoryNode[] = [];
        for (const c of ref.categories) {
          nodes.set(c.code, { code: c.code, name: c.name, nameEn: c.nameEn, count: 0, children: [] });
        }
        for (const c of ref.categories) {
          const node = nodes.get(c.code)!;
          const parent = c.parentCode ? nodes.get(c.parentCode) : undefined;
          (parent ? parent.children : roots).push(node);
        }
        // An instrument counts in its own category and every ancestor.
        for (const [code, n] of counts) {
          for (
            let c = ref.categoryByCode.get(code);
            c;
            c = c.parentCode ? ref.categoryByCode.get(c.parentCode) : undefined
          ) {
            nodes.get(c.code)!.count += n;
          }
        }
        return roots;
      });
    });
  }

  async cities() {
    const ref = await this.ctx.ref();
    return this.ctx.db.read(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      return this.ctx.cached(repo, 'cities', async () => {
        const counts = new Map((await repo.countsByCity()).map((r) => [r.code, r.n]));
        return ref.cities.map((c) => ({
          code: c.code,
          name: c.name,
          nameEn: c.nameEn,
          voucherRatioPercent: c.voucherRatioPercent,
          instrumentCount: counts.get(c.code) ?? 0,
        }));
      });
    });
  }

  async institutions(cityCode?: string) {
    const ref = await this.ctx.ref();
    if (cityCode && !ref.cityByCode.has(cityCode)) {
      throw badRequest('unknown city', [{ path: 'city', message: `no city ${cityCode}` }]);
    }
    return this.ctx.db.read(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const counts = await this.ctx.cached(
        repo,
        'institution-counts',
        async () => new Map((await repo.countsByInstitution()).map((r) => [r.id, r.n])),
      );
      return (await repo.institutions(cityCode)).map((o) => {
        const city = o.cityCode ? ref.cityByCode.get(o.cityCode) : undefined;
        return {
          id: o.id,
          name: o.name,
          nameEn: o.nameEn,
          type: o.institutionType,
          certified: o.certified,
          city: city ? { code: city.code, name: city.name, nameEn: city.nameEn } : null,
          address: o.address,
          instrumentCount: counts.get(o.id) ?? 0,
        };
      });
    });
  }
}
