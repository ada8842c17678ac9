/**
 * A lab manager signs in, opens 我的仪器, changes the enterprise price of a rate card item and saves;
 * the change goes to listing review (入网审核) while the published price stays, and once the platform
 * approves it the detail page and a fresh API read show the new price. Also: the sign-in guard and role checks.
 */
import { describe, expect, it } from 'vitest';
import { formatFen } from '../../web/src/ui/money.ts';
import { DESKTOP, fillSignIn, newPage, PHONE, screenshot, useHarness } from './helpers.ts';
import { approvePending } from './listing.ts';

const harness = useHarness();

const signIn = fillSignIn;

describe('lab manager editing', () => {
  it('sends anonymous visitors of 我的仪器 to sign in, and shows wrong-password errors', async () => {
    const { context, page } = await newPage(harness(), DESKTOP);
    try {
      await page.goto('/lab/instruments');
      await page.waitForURL((url) => url.pathname === '/login');
      await expect(page.getByTestId('demo-accounts').innerText()).resolves.toContain('lab@demo.test');
      await signIn(page, 'lab@demo.test', 'not-the-password');
      await page.getByTestId('login-error').waitFor();
      expect(page.url()).toMatch(/\/login$/);
      await screenshot(page, 'login-error.png');
    } finally {
      await context.close();
    }
  });

  it('does not let a researcher open 我的仪器', async () => {
    const { context, page } = await newPage(harness(), DESKTOP);
    try {
      await page.goto('/login');
      await signIn(page, 'researcher@demo.test');
      await page.getByTestId('user-menu').waitFor();
      await expect(page.getByTestId('nav-lab-instruments').count()).resolves.toBe(0);
      await page.goto('/lab/instruments');
      await page.getByTestId('forbidden').waitFor();
    } finally {
      await context.close();
    }
  });

  it('edits the enterprise price of a rate card; the new price is published once approved', async () => {
    const { context, page } = await newPage(harness(), DESKTOP);
    try {
      await page.goto('/login');
      await signIn(page, 'lab@demo.test');
      // A lab lands on its bookings to handle.
      await page.waitForURL((url) => url.pathname === '/lab/bookings');
      await page.getByTestId('user-menu').waitFor();

      await page.getByTestId('nav-lab-instruments').click();
      await page.waitForURL((url) => url.pathname === '/lab/instruments');
      const rows = page.locator('[data-testid="lab-instruments"] tbody tr.ant-table-row');
      await rows.first().waitFor();
      expect(await rows.count()).toBeGreaterThan(0);

      // Pick an instrument that has a published price, i.e. a rate card.
      const priced = rows.filter({ hasText: /¥[\d,]+\.\d{2}起\/(小时|样)/ }).first();
      await priced.getByTestId('lab-edit-link').click();
      await page.waitForURL(/\/lab\/instruments\/\d+\/edit$/);
      const id = Number(page.url().match(/\/lab\/instruments\/(\d+)\/edit$/)?.[1]);
      expect(id).toBeGreaterThan(0);

      const before = (await (await fetch(`${harness().server.baseUrl}/api/v1/instruments/${id}`)).json()) as {
        rateCard: { items: { enterpriseFen: number; internalFen: number }[] };
      };
      const oldFen = before.rateCard.items[0]!.enterpriseFen;
      const newFen = oldFen === 123_456 ? 123_457 : 123_456;
      const newYuan = `${Math.trunc(newFen / 100)}.${String(newFen % 100).padStart(2, '0')}`;

      const enterprise = page.getByTestId('rate-item-enterprise-0');
      await enterprise.waitFor();
      await expect(enterprise.inputValue()).resolves.toBe(
        `${Math.trunc(oldFen / 100)}.${String(oldFen % 100).padStart(2, '0')}`,
      );
      await enterprise.fill(newYuan);
      await enterprise.blur();
      await screenshot(page, 'instrument-edit.png');

      await page.getByTestId('save-instrument').click();
      await page.waitForURL((url) => url.pathname === `/instruments/${id}`);
      // A price change waits for review: the published price stays, and the page says so.
      await page.getByTestId('pending-change').waitFor();
      await expect(page.getByTestId('pending-change').innerText()).resolves.toContain('收费标准');
      await expect(page.getByTestId('rate-enterprise').first().innerText()).resolves.toContain(formatFen(oldFen));
      await expect(page.getByTestId('edit-instrument').isVisible()).resolves.toBe(true);
      await screenshot(page, 'instrument-change-pending.png');

      await approvePending(harness().server.baseUrl, { instrumentId: id });
      await page.reload();
      await page.getByTestId('rate-card').waitFor();
      await expect(page.getByTestId('rate-enterprise').first().innerText()).resolves.toContain(formatFen(newFen));
      await expect(page.getByTestId('pending-change').count()).resolves.toBe(0);

      const after = (await (await fetch(`${harness().server.baseUrl}/api/v1/instruments/${id}`)).json()) as {
        rateCard: { items: { enterpriseFen: number; internalFen: number }[] };
      };
      expect(after.rateCard.items[0]!.enterpriseFen).toBe(newFen);
      expect(after.rateCard.items[0]!.internalFen).toBe(before.rateCard.items[0]!.internalFen);
      expect(after.rateCard.items.length).toBe(before.rateCard.items.length);

      // The edit form at phone width.
      await page.setViewportSize(PHONE);
      await page.goto(`/lab/instruments/${id}/edit`);
      await page.getByTestId('rate-item-enterprise-0').waitFor();
      await expect(page.getByTestId('rate-item-enterprise-0').inputValue()).resolves.toBe(newYuan);
      await screenshot(page, 'instrument-edit-phone.png');
    } finally {
      await context.close();
    }
  });

  it('shows field errors from client-side validation before anything is sent', async () => {
    const { context, page } = await newPage(harness(), DESKTOP);
    try {
      await page.goto('/login');
      await signIn(page, 'lab@demo.test');
      await page.getByTestId('user-menu').waitFor();
      await page.goto('/lab/instruments/new');
      await page.getByTestId('instrument-form').waitFor();
      let posts = 0;
      page.on('request', (r) => {
        if (r.method() === 'POST' && r.url().includes('/api/v1/instruments')) posts++;
      });
      await page.getByTestId('save-instrument').click();
      await page.locator('.ant-form-item-explain-error').first().waitFor();
      const errors = await page.locator('.ant-form-item-explain-error').allInnerTexts();
      expect(errors.join('\n')).toContain('请填写仪器名称（中文）');
      expect(posts).toBe(0);
    } finally {
      await context.close();
    }
  });
  it("maps the server's field errors onto the form (asset number already used)", async () => {
    const { context, page } = await newPage(harness(), DESKTOP);
    try {
      await page.goto('/login');
      await signIn(page, 'lab@demo.test');
      await page.getByTestId('user-menu').waitFor();
      const me = (await (await page.request.get('/api/v1/auth/me')).json()) as {
        user: { organisation: { id: number } };
      };
      const list = (await (
        await fetch(
          `${harness().server.baseUrl}/api/v1/instruments?institutionId=${me.user.organisation.id}&sort=newest&limit=2`,
        )
      ).json()) as { items: { id: number }[] };
      const [first, second] = list.items;
      expect(second).toBeDefined();
      const other = (await (await fetch(`${harness().server.baseUrl}/api/v1/instruments/${second!.id}`)).json()) as {
        assetNumber: string;
      };

      await page.goto(`/lab/instruments/${first!.id}/edit`);
      const asset = page.getByTestId('field-assetNumber');
      await asset.waitFor();
      await asset.fill(other.assetNumber);
      await page.getByTestId('save-instrument').click();
      await page.getByTestId('form-error').waitFor();
      const item = page.locator('.ant-form-item', { has: asset });
      await expect(item.locator('.ant-form-item-explain-error').innerText()).resolves.toContain('资产编号');
      expect(page.url()).toMatch(/\/edit$/);
    } finally {
      await context.close();
    }
  });

  it('uploads an instrument photo, and says what to do when an address is refused', async () => {
    const { context, page } = await newPage(harness(), DESKTOP);
    try {
      await page.goto('/login');
      await signIn(page, 'lab@demo.test');
      await page.getByTestId('user-menu').waitFor();
      const me = (await (await page.request.get('/api/v1/auth/me')).json()) as {
        user: { organisation: { id: number } };
      };
      const list = (await (
        await fetch(`${harness().server.baseUrl}/api/v1/instruments?institutionId=${me.user.organisation.id}&limit=1`)
      ).json()) as { items: { id: number }[] };
      const id = list.items[0]!.id;
      await page.goto(`/lab/instruments/${id}/edit`);
      const address = page.getByTestId('field-photoUrl');
      await address.waitFor();

      // An address on a host the platform does not allow (PHOTO_HOSTS is empty here): refused, with advice.
      await address.fill('https://tracker.example.com/pixel.png');
      await page.getByTestId('save-instrument').click();
      await page.getByTestId('form-error').waitFor();
      const item = page.locator('.ant-form-item', { has: address });
      await expect(item.locator('.ant-form-item-explain-error').innerText()).resolves.toContain('请上传照片');
      expect(page.url()).toMatch(/\/edit$/);

      // The upload button sends the image at once; its platform address fills the field.
      const png = Buffer.from(
        'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
        'base64',
      );
      await page
        .locator('[data-testid="photo-field"] input[type=file]')
        .setInputFiles({ name: '仪器照片.png', mimeType: 'image/png', buffer: png });
      await page.waitForFunction(() =>
        (document.querySelector('[data-testid="field-photoUrl"]') as HTMLInputElement | null)?.value.startsWith(
          '/api/v1/instrument-photos/',
        ),
      );
      const uploaded = await address.inputValue();
      await expect(page.locator('[data-testid="photo-field"] img').getAttribute('src')).resolves.toBe(uploaded);
      await screenshot(page, 'instrument-photo.png');
      await page.getByTestId('save-instrument').click();
      await page.waitForURL((url) => url.pathname === `/instruments/${id}`);

      const saved = (await (await fetch(`${harness().server.baseUrl}/api/v1/instruments/${id}`)).json()) as {
        photoUrl: string;
      };
      expect(saved.photoUrl).toBe(uploaded);
      const image = await fetch(`${harness().server.baseUrl}${uploaded}`);
      expect(image.status).toBe(200);
      expect(image.headers.get('content-type')).toBe('image/png');
    } finally {
      await context.close();
    }
  });

  it('adds a new instrument with a rate card', async () => {
    const { context, page } = await newPage(harness(), DESKTOP);
    try {
      await page.goto('/login');
      await signIn(page, 'lab@demo.test');
      await page.getByTestId('user-menu').waitFor();
      await page.goto('/lab/instruments');
      await page.getByTestId('add-instrument').click();
      await page.waitForURL((url) => url.pathname === '/lab/instruments/new');
      await page.getByTestId('instrument-form').waitFor();

      const assetNumber = `E2E-${Date.now()}`;
      await page.getByTestId('field-nameZh').fill('端到端测试用核磁共振波谱仪');
      await page.getByTestId('field-assetNumber').fill(assetNumber);
      await page.getByTestId('field-categoryCode').click();
      await page.keyboard.type('核磁');
      await page.locator('.ant-select-tree-node-content-wrapper', { hasText: '核磁共振波谱仪' }).first().click();
      await page.getByTestId('field-originalValue').fill('2500000');
      await page.getByTestId('rate-item-label-0').fill('¹H谱');
      await page.getByTestId('rate-item-internal-0').fill('50');
      await page.getByTestId('rate-item-academic-0').fill('70');
      await page.getByTestId('rate-item-enterprise-0').fill('100.5');
      await page.getByTestId('save-instrument').click();

      // A lab's new record goes to listing review: listed among its submissions, not yet in the catalogue.
      await page.waitForURL((url) => url.pathname === '/lab/instruments');
      await page.getByText('已提交入网审核').first().waitFor();
      await page.getByTestId('lab-submissions').getByText('端到端测试用核磁共振波谱仪').waitFor();
      await screenshot(page, 'instrument-submitted.png');
      const [id] = await approvePending(harness().server.baseUrl, { q: assetNumber });
      await page.goto(`/instruments/${id}`);
      await page.getByTestId('national-record').waitFor();
      const record = await page.getByTestId('national-record').innerText();
      expect(record).toContain('端到端测试用核磁共振波谱仪');
      expect(record).toContain(assetNumber);
      expect(record).toContain('¥2,500,000.00');
      await expect(page.getByTestId('rate-enterprise').first().innerText()).resolves.toContain('¥100.50');

      const created = (await (await fetch(`${harness().server.baseUrl}/api/v1/instruments/${id}`)).json()) as {
        assetNumber: string;
        originalValueFen: number;
        category: { code: string };
        rateCard: { items: { internalFen: number; academicFen: number; enterpriseFen: number }[] };
      };
      expect(created.assetNumber).toBe(assetNumber);
      expect(created.originalValueFen).toBe(250_000_000);
      expect(created.category.code).toMatch(/^0106/);
      expect(created.rateCard.items).toMatchObject([{ internalFen: 5000, academicFen: 7000, enterpriseFen: 10050 }]);
    } finally {
      await context.close();
    }
  });
});
