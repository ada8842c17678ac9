/**
 * SME certification and voucher applications (申领), and automatic quotas: the one service routes,
 * the app and the periodic job call. The work is done by use case, in files named after it:
 * - certification.ts         科技型中小企业 certification applications (apply, documents, reads);
 *   certification-review.ts the office's review
 * - voucher-applications.ts  voucher applications under programmes in application mode: the applicant's
 *   side; voucher-review.ts the office's; voucher-reads.ts lists, details, what may be applied for
 * - automatic.ts             quotas for every certified enterprise under programmes in automatic mode
 * - context.ts               what they share: who reviews what, views, the clock's date
 */
import type { Database } from '../../../db/port.ts';
import type { DocumentKind } from '../../../db/schema/index.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Actor } from '../auth/actor.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { DocumentStore } from '../documents/documents.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Notifier } from '../notifications/notifications.service.ts';
import { VouchersRepo } from '../vouchers/vouchers.repo.ts';
import type { VouchersService } from '../vouchers/vouchers.service.ts';
import { ApplicationsRepo } from './applications.repo.ts';
import type {
  CertificationApplicationInput,
  CertificationQueueQuery,
  VoucherApplicationInput,
  VoucherQueueQuery,
} from './applications.schemas.ts';
import { AutomaticQuotas } from './automatic.ts';
import { CertificationReview } from './certification-review.ts';
import { CertificationApplications } from './certification.ts';
import type { ApplicationsContext } from './context.ts';
import { VoucherApplications } from './voucher-applications.ts';
import { VoucherReads } from './voucher-reads.ts';
import { VoucherReview } from './voucher-review.ts';

export class ApplicationsService {
  readonly #certification: CertificationApplications;
  readonly #certificationReview: CertificationReview;
  readonly #vouchers: VoucherApplications;
  readonly #voucherReads: VoucherReads;
  readonly #voucherReview: VoucherReview;
  readonly #automatic: AutomaticQuotas;

  constructor(deps: {
    db: Database;
    vouchers: VouchersService;
    ledger: Ledger;
    documents: DocumentStore;
    audit: AuditLog;
    clock: Clock;
    notifier?: Notifier;
  }) {
    const ctx: ApplicationsContext = {
      ...deps,
      repo: new ApplicationsRepo(deps.db),
      vouchersRepo: new VouchersRepo(deps.db),
    };
    this.#certification = new CertificationApplications(ctx);
    this.#certificationReview = new CertificationReview(ctx, this.#certification);
    this.#voucherReads = new VoucherReads(ctx);
    this.#vouchers = new VoucherApplications(ctx, this.#voucherReads);
    this.#voucherReview = new VoucherReview(ctx, this.#voucherReads);
    this.#automatic = new AutomaticQuotas(ctx);
    // Certification by an admin or an approved application, and automatic programmes saved: their quotas.
    deps.vouchers.setHooks({
      certified: async (enterpriseId, actor) => {
        await this.#automatic.forEnterprise(enterpriseId, actor);
      },
      automaticProgrammeSaved: (programmeId, actor) => this.#automatic.kick(programmeId, actor),
    });
  }

  // SME certification applications (certification.ts)

  certificationApplications(actor: Actor, query: CertificationQueueQuery) {
    return this.#certification.list(actor, query);
  }

  certificationApplication(actor: Actor, id: number) {
    return this.#certification.get(actor, id);
  }

  applyForCertification(actor: Actor, input: CertificationApplicationInput) {
    return this.#certification.apply(actor, input);
  }

  resubmitCertification(actor: Actor, id: number, input: CertificationApplicationInput) {
    return this.#certification.resubmit(actor, id, input);
  }

  withdrawCertification(actor: Actor, id: number) {
    return this.#certification.withdraw(actor, id);
  }

  checkCertificationUpload(actor: Actor, id: number, kind: string) {
    return this.#certification.checkUpload(actor, id, kind);
  }

  uploadCertificationDocument(actor: Actor, id: number, kind: DocumentKind, file: { name: string; bytes: Buffer }) {
    return this.#certification.upload(actor, id, kind, file);
  }

  certificationDocument(actor: Actor, id: number, documentId: number) {
    return this.#certification.document(actor, id, documentId);
  }

  approveCertification(actor: Actor, id: number, input: { certifiedOn?: string; expiresOn?: string; note?: string }) {
    return this.#certificationReview.approve(actor, id, input);
  }

  returnCertification(actor: Actor, id: number, note: string) {
    return this.#certificationReview.returnForChanges(actor, id, note);
  }

  rejectCertification(actor: Actor, id: number, note: string) {
    return this.#certificationReview.reject(actor, id, note);
  }

  // Voucher applications (voucher-applications.ts)

  voucherEligibility(actor: Actor) {
    return this.#voucherReads.eligibility(actor);
  }

  voucherApplications(actor: Actor, query: VoucherQueueQuery) {
    return this.#voucherReads.list(actor, query);
  }

  voucherApplication(actor: Actor, id: number) {
    return this.#voucherReads.get(actor, id);
  }

  applyForVouchers(actor: Actor, input: VoucherApplicationInput) {
    return this.#vouchers.apply(actor, input);
  }

  resubmitVoucherApplication(actor: Actor, id: number, input: Omit<VoucherApplicationInput, 'programmeId'>) {
    return this.#vouchers.resubmit(actor, id, input);
  }

  withdrawVoucherApplication(actor: Actor, id: number) {
    return this.#vouchers.withdraw(actor, id);
  }

  approveVoucherApplication(actor: Actor, id: number, input: { approvedFen: number; note?: string }) {
    return this.#voucherReview.approve(actor, id, input);
  }

  returnVoucherApplication(actor: Actor, id: number, note: string) {
    return this.#voucherReview.returnForChanges(actor, id, note);
  }

  rejectVoucherApplication(actor: Actor, id: number, note: string) {
    return this.#voucherReview.reject(actor, id, note);
  }

  // Automatic quotas (automatic.ts)

  /** The periodic pass: the quotas granted. */
  grantAutomaticQuotas() {
    return this.#automatic.run();
  }

  /** An admin's "grant now" for one programme in automatic mode. */
  grantProgrammeAutomaticQuotas(actor: Actor, programmeId: number) {
    return this.#automatic.runProgramme(programmeId, actor);
  }

  /** Resolves when the background passes started after programmes were saved have ended. */
  automaticQuotasSettled() {
    return this.#automatic.settled();
  }
}
