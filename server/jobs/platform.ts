/**
 * The platform's periodic jobs, run once across the cluster by the job runner (runner.ts).
 *
 * Each may be cut off anywhere (a node killed) and run again from the start by another node, and may
 * overlap a run of itself on a node that lost its lease — why each is safe:
 * - payment-recovery: every step asks the processor with the first attempt's keys and records through
 *   the methods that re-read the payment in their own transaction (checkout/recovery.ts).
 * - card-authorisations: each hold is asked with a key made from the payment and its attempt, and
 *   recorded only if the payment is still as read (checkout/card-window.ts): a second run gets the same
 *   charge back and records nothing.
 * - service-agreements: one agreement per booking (a unique booking id): a run racing another
 *   stores one; the loser removes its file.
 * - quota-expiry: one transaction per quota, skipped when its expiry transfer exists (idempotent key).
 * - automatic-quotas: one transaction per quota, each checking that the enterprise holds none in the
 *   programme (and the unique index behind it); a grant another run made first is skipped.
 * - stats-refresh: a year's build writes only missing rows, one chunk per transaction (a build cut off
 *   is found incomplete by its count and finished); the refresh reads, recomputes and deletes its
 *   marks in one transaction.
 * - daily-reconciliation: the day's run is claimed (its row, 'running') in one transaction; the
 *   findings and the outcome are written in one transaction, so a run cut off has none. Such a run
 *   stays 'running' (see the report of issue 12: `daily()` should resume it).
 * - mail-delivery: first tells of pending notification events (notifications/fan-out.ts: each event
 *   deleted in the transaction that writes its notifications, dedupe keys behind it), so events a
 *   stopped node left untold are told here; then rows are claimed with a lease of their own (5 min);
 *   a sender that died leaves them to be claimed again, and a resent mail carries the same Message-ID.
 * - booking-reminders: one transaction, each reminder under its dedupe key.
 * - transfer-due: one transaction per notice, each step checking the status it moves from (the
 *   reminder also under its dedupe key); a cancellation goes through the booking's transition, which
 *   refuses a booking that moved on.
 * - instrument-imports: an import left by a stopped node (its own lease run out) is taken over under
 *   that lease: a dry run starts again (its errors replaced), an import goes on at next_row, which each
 *   chunk's transaction advances with the rows it wrote.
 * - testing-needs-expiry: one transaction per need or quote, each re-reading the status it moves from
 *   (the enterprise's notice under its dedupe key).
 */
import { DateTime } from 'luxon';
import type { AppServices } from '../app.ts';
import type { Job } from './runner.ts';

export interface PlatformJobSettings {
  /** Payment recovery, quota expiry and the statistics refresh (0: at start-up only). */
  recoveryIntervalSeconds: number;
  /** Local time (Asia/Shanghai) after which yesterday is reconciled, or `off`. */
  reconcileAt: string;
  /** Local time (Asia/Shanghai) from which tomorrow's bookings are reminded, or `off`. */
  remindAt: string;
  mailIntervalSeconds: number;
  log?: (message: string) => void;
}

export const RECONCILE_EVERY_MS = 60_000;
export const REMIND_EVERY_MS = 10 * 60_000;
/** A payment younger than this is left to the request that made it (except at start-up). */
const RECOVERY_MIN_AGE_MS = 60_000;

/** Whether the local time (Asia/Shanghai) has passed `at` (HH:mm) today. */
function past(at: string): boolean {
  const [h, m] = at.split(':').map(Number) as [number, number];
  const now = DateTime.now().setZone('Asia/Shanghai');
  return now >= now.set({ hour: h, minute: m, second: 0, millisecond: 0 });
}

export function platformJobs(services: AppServices, settings: PlatformJobSettings): Job[] {
  const log = settings.log ?? ((message: string) => console.log(message));
  const every = settings.recoveryIntervalSeconds * 1000;
  const jobs: Job[] = [
    {
      name: 'payment-recovery',
      everyMs: every,
      async run(_signal, { startup }) {
        // At start-up (a node back from a crash) the youngest too, as a single server always did:
        // recovery uses the first attempt's keys, so it is safe next to another node's live checkout.
        const r = await services.checkout.recover({ minAgeMs: startup ? 0 : RECOVERY_MIN_AGE_MS });
        if (r.finished || r.undone || r.settled) log(`Recovery: ${JSON.stringify(r)}`);
      },
    },
    {
      name: 'card-authorisations',
      everyMs: every,
      async run() {
        // Saved cards authorised as their window opens, ageing holds renewed, unpaid bookings cancelled.
        const r = await services.checkout.cardAuthorisations();
        if (r.authorised || r.renewed || r.actionRequired || r.cancelled)
          log(`Card authorisations: ${JSON.stringify(r)}`);
      },
    },
    {
      name: 'service-agreements',
      everyMs: every,
      async run() {
        const made = await services.agreements.produceDue();
        if (made) log(`Service agreements drawn up: ${made}`);
      },
    },
    {
      name: 'quota-expiry',
      everyMs: every,
      async run() {
        const expired = await services.vouchers.expireQuotas();
        if (expired) log(`Expired quotas given back: ${expired}`);
      },
    },
    {
      name: 'automatic-quotas',
      everyMs: every,
      async run() {
        const granted = await services.applications.grantAutomaticQuotas();
        if (granted) log(`Automatic voucher quotas granted: ${granted}`);
      },
    },
    {
      name: 'stats-refresh',
      everyMs: every,
      async run() {
        // A new month's rows, in chunks between requests; then what changed.
        await services.stats.buildYear((await services.stats.years()).last);
        await services.stats.refresh();
      },
    },
    {
      name: 'instrument-imports',
      everyMs: every,
      async run() {
        // Imports a stopped node left half done; the node that started one works on it at once.
        const n = await services.imports.processor.resume();
        if (n) log(`Instrument imports resumed: ${n}`);
      },
    },
    {
      name: 'transfer-due',
      everyMs: every,
      async run() {
        // Unpaid payment notices past their due date: reminded, then cancelled before the service or kept as debts.
        const r = await services.transfers.overdue();
        if (r.reminded || r.cancelled || r.debts) log(`Payment notices overdue: ${JSON.stringify(r)}`);
      },
    },
    {
      name: 'testing-needs-expiry',
      everyMs: every,
      async run() {
        // Open needs past their time expire with their quotes (the enterprise told); lapsed quotes expire.
        const r = await services.needs.expire();
        if (r.needs || r.quotes) log(`Testing needs expired: ${JSON.stringify(r)}`);
      },
    },
    {
      name: 'notice-close',
      everyMs: every,
      async run() {
        // Public notices (公示) past their period with every objection answered: payment opens.
        const ended = await services.settlement.notices.closeEnded();
        if (ended) log(`Public notices ended: ${ended}`);
      },
    },
    {
      name: 'mail-delivery',
      everyMs: settings.mailIntervalSeconds * 1000,
      async run() {
        // What is due (retries included); events also kick delivery on their own node after commit.
        const r = await services.notifications.deliver();
        if (r.retrying || r.failed) log(`Mail: ${JSON.stringify(r)}`);
      },
    },
  ];
  if (settings.reconcileAt !== 'off') {
    const at = settings.reconcileAt;
    jobs.push({
      name: 'daily-reconciliation',
      everyMs: RECONCILE_EVERY_MS,
      async run() {
        const run = await services.reconciliation.daily(at);
        if (run) log(`Daily reconciliation #${run.id}: ${run.status}`);
      },
    });
  }
  if (settings.remindAt !== 'off') {
    const at = settings.remindAt;
    jobs.push({
      name: 'booking-reminders',
      everyMs: REMIND_EVERY_MS,
      async run() {
        if (!past(at)) return;
        const told = await services.notifications.remindTomorrow();
        if (told) log(`Reminded ${told} researchers of tomorrow's bookings`);
      },
    });
  }
  return jobs;
}
