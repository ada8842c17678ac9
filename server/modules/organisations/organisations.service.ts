/**
 * Registration and real-name organisations, and their people: the one service app.ts builds and the
 * routes call. The work is done by use case, in files named after it:
 * - registration.ts  signing up (an organisation, or a request to join one), e-mail verification
 * - application.ts   the applicant's registration: fields, documents, submission, history
 * - review.ts        the reviewers' list, detail and decisions
 * - people.ts        an organisation's people: invitations, roles, disabling, requests to join
 * - directory.ts     the platform's directory of organisations and its finance offices
 * - context.ts       what they share; checks.ts the field checks; credit-code.ts GB 32100 (pure)
 */
import type { Database } from '../../../db/port.ts';
import type { Clock } from '../../shared/clock.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { AuthService } from '../auth/auth.service.ts';
import type { DocumentStore } from '../documents/documents.ts';
import type { NotificationService } from '../notifications/notifications.service.ts';
import { Application } from './application.ts';
import type { OrganisationsContext } from './context.ts';
import { Directory } from './directory.ts';
import { OrganisationsRepo } from './organisations.repo.ts';
import { People } from './people.ts';
import { Registration } from './registration.ts';
import { Review } from './review.ts';

export class OrganisationsService {
  readonly registration: Registration;
  readonly application: Application;
  readonly review: Review;
  readonly people: People;
  readonly directory: Directory;

  constructor(deps: {
    db: Database;
    clock: Clock;
    notifications: NotificationService;
    audit: AuditLog;
    documents: DocumentStore;
    auth: AuthService;
  }) {
    const ctx: OrganisationsContext = { ...deps, repo: new OrganisationsRepo(deps.db) };
    this.registration = new Registration(ctx);
    this.application = new Application(ctx);
    this.review = new Review(ctx);
    this.people = new People(ctx);
    this.directory = new Directory(ctx);
  }
}
