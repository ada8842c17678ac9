/**
 * Testing needs and quotes (需求发布 / 供需对接): what routes, the job runner and the booking module call.
 * Each use case lives in a file of its own, sharing a small context (context.ts):
 *
 * - needs.ts     posting (with the catalogue match and the labs told), lists, the need's page, attachments
 * - matching.ts  the catalogue search on the need's words, category and city
 * - quotes.ts    quotes: submit, withdraw, compare (voucher split, rating), accept; the booking's price
 * - expiry.ts    the testing-needs-expiry job
 */
import type { QuoteStatus } from '../../../db/schema/index.ts';
import type { Actor } from '../auth/actor.ts';
import type { NeedsDeps } from './context.ts';
import { expireNeeds } from './expiry.ts';
import type { NeedInput, NeedListQuery, QuoteInput } from './needs.schemas.ts';
import { NeedPosting } from './needs.ts';
import { Quotes } from './quotes.ts';

export class NeedsService {
  private readonly needs: NeedPosting;
  /** Also the booking module's QuotePricer (BookingService.setQuotePricer). */
  readonly quotes: Quotes;

  constructor(private readonly deps: NeedsDeps) {
    this.needs = new NeedPosting(deps);
    this.quotes = new Quotes(deps);
  }

  post(actor: Actor, input: NeedInput) {
    return this.needs.post(actor, input);
  }

  list(actor: Actor, q: NeedListQuery) {
    return this.needs.list(actor, q);
  }

  get(actor: Actor, id: number) {
    return this.needs.get(actor, id);
  }

  withdraw(actor: Actor, id: number) {
    return this.needs.withdraw(actor, id);
  }

  attachable(actor: Actor, id: number) {
    return this.needs.attachable(actor, id);
  }

  attach(actor: Actor, id: number, file: { name: string; bytes: Buffer }) {
    return this.needs.attach(actor, id, file);
  }

  attachment(actor: Actor, id: number, attachmentId: number) {
    return this.needs.attachment(actor, id, attachmentId);
  }

  quote(actor: Actor, needId: number, input: QuoteInput) {
    return this.quotes.submit(actor, needId, input);
  }

  quotesOf(actor: Actor, needId: number) {
    return this.quotes.ofNeed(actor, needId);
  }

  compare(actor: Actor, needId: number) {
    return this.quotes.compare(actor, needId);
  }

  myQuotes(actor: Actor, status?: QuoteStatus) {
    return this.quotes.mine(actor, status);
  }

  withdrawQuote(actor: Actor, id: number) {
    return this.quotes.withdraw(actor, id);
  }

  accept(actor: Actor, id: number) {
    return this.quotes.accept(actor, id);
  }

  /** The job: open needs and submitted quotes past their time expire. */
  expire(now?: number) {
    return expireNeeds(this.deps, now);
  }
}
