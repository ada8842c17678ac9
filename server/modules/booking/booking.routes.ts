import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { checkAccess } from '../auth/actor.ts';
import { z } from 'zod';
import { fileResponse, idParams, operationIdOf, routeDeclarer, parseInput } from '../../http/route.ts';
import { REPORT_KINDS, typesOfKinds } from '../../shared/files.ts';
import { readUpload, sendDownload } from '../../http/upload.ts';
import { searchQuerySchema, instrumentSummarySchema } from '../catalog/catalog.schemas.ts';
import {
  approveSchema,
  availabilityQuerySchema,
  availabilitySchema,
  bookingListQuerySchema,
  bookingRequestSchema,
  bookingSchema,
  completeSchema,
  instantSchema,
  intervalSchema,
  optionalReasonSchema,
  quoteSchema,
  rateSchema,
  reasonSchema,
  scheduleSchema,
} from './booking.schemas.ts';
import type { BookingService } from './booking.service.ts';
import type { CheckoutService } from '../checkout/checkout.service.ts';

const LAB = ['lab_manager', 'platform_admin'] as const;
const BOOKERS = ['researcher', 'lab_manager', 'platform_admin'] as const;
const reportQuery = z.object({ name: z.string().trim().min(1).max(200) }).strict();
const REPORT_MAX_BYTES = 10 * 1024 * 1024;

export function bookingRoutes(booking: BookingService, checkout: CheckoutService, registry: OpenAPIRegistry): Router {
  const router = Router();
  const route = routeDeclarer(router, registry);
  const tag = 'Booking';

  // Scheduling rules
  route({
    method: 'get',
    path: '/instruments/:id/schedule',
    summary: 'Opening hours and booking rules of an instrument',
    tag,
    access: 'public',
    params: idParams,
    response: scheduleSchema.extend({ instrumentId: z.number().int() }),
    handler: ({ params }) => booking.schedule(params.id),
  });
  route({
    method: 'put',
    path: '/instruments/:id/schedule',
    summary: 'Replace the opening hours and booking rules (owning lab, admins)',
    tag,
    access: LAB,
    params: idParams,
    body: scheduleSchema,
    response: scheduleSchema.extend({ instrumentId: z.number().int() }),
    handler: ({ params, body, actor }) => booking.updateSchedule(actor!, params.id, body),
  });
  const closure = z.object({ id: z.number().int(), start: z.string(), end: z.string(), reason: z.string() });
  route({
    method: 'get',
    path: '/instruments/:id/closures',
    summary: 'Maintenance and downtime windows',
    tag,
    access: 'public',
    params: idParams,
    query: z.object({ from: instantSchema.optional(), to: instantSchema.optional() }).strict(),
    response: z.object({ items: z.array(closure) }),
    handler: async ({ params, query }) => ({ items: await booking.closures(params.id, query.from, query.to) }),
  });
  route({
    method: 'post',
    path: '/instruments/:id/closures',
    summary: 'Close an instrument for maintenance or downtime (owning lab, admins)',
    tag,
    access: LAB,
    params: idParams,
    body: z.object({ start: instantSchema, end: instantSchema, reason: z.string().trim().min(1).max(200) }).strict(),
    response: closure,
    status: 201,
    handler: ({ params, body, actor }) => booking.addClosure(actor!, params.id, body),
  });
  route({
    method: 'delete',
    path: '/instruments/:id/closures/:closureId',
    summary: 'Remove a closure (owning lab, admins)',
    tag,
    access: LAB,
    params: z.object({
      id: z
        .string()
        .regex(/^[1-9]\d{0,14}$/)
        .transform(Number),
      closureId: z
        .string()
        .regex(/^[1-9]\d{0,14}$/)
        .transform(Number),
    }),
    handler: ({ params, actor }) => booking.deleteClosure(actor!, params.id, params.closureId),
  });

  // Availability
  route({
    method: 'get',
    path: '/instruments/:id/availability',
    summary: 'Free intervals and bookable slot starts of an instrument in a window',
    tag,
    access: 'public',
    params: idParams,
    query: availabilityQuerySchema,
    response: availabilitySchema,
    handler: ({ params, query }) => booking.availability(params.id, query.from, query.to, query.durationMinutes),
  });
  route({
    method: 'get',
    path: '/availability',
    summary: 'Instruments of the catalogue with a free slot of the given length in a window',
    tag,
    access: 'public',
    query: z
      .object({
        from: instantSchema,
        to: instantSchema,
        durationMinutes: z
          .string()
          .regex(/^\d{1,4}$/, 'whole minutes')
          .transform(Number)
          .pipe(z.number().min(5).max(1440)),
        q: searchQuerySchema.shape.q,
        category: searchQuerySchema.shape.category,
        city: searchQuerySchema.shape.city,
        cursor: z.string().max(500).optional(),
        limit: z
          .string()
          .regex(/^\d{1,2}$/)
          .transform(Number)
          .pipe(z.number().min(1).max(50))
          .default(20),
      })
      .strict(),
    response: z.object({
      items: z.array(
        z.object({ instrument: instrumentSummarySchema, firstSlot: intervalSchema, slotCount: z.number().int() }),
      ),
      nextCursor: z.string().nullable(),
    }),
    handler: ({ query }) =>
      booking.searchAvailability({
        from: query.from,
        to: query.to,
        durationMinutes: query.durationMinutes,
        catalog: { q: query.q, category: query.category, city: query.city },
        cursor: query.cursor,
        limit: query.limit,
      }),
  });

  // Prices and bookings
  route({
    method: 'post',
    path: '/quotes',
    summary: 'Price a prospective booking for the caller’s user type, with the voucher split when useVoucher',
    tag,
    access: 'signed_in',
    body: bookingRequestSchema,
    response: quoteSchema,
    handler: ({ body, actor }) => checkout.quote(actor!, body),
  });
  route({
    method: 'post',
    path: '/bookings',
    summary:
      'Request machine time or a sample job, paying part with a voucher (useVoucher) and the rest by card (paymentToken) or invoice. Honours Idempotency-Key; a declined card answers 402 and makes no booking.',
    tag,
    access: ['researcher'],
    body: bookingRequestSchema,
    response: bookingSchema,
    status: 201,
    handler: async ({ body, actor, req, res }) => {
      const { booking: view, replayed } = await checkout.book(actor!, body, req.get('idempotency-key'));
      if (replayed) res.set('Idempotent-Replayed', 'true');
      return view;
    },
  });
  route({
    method: 'get',
    path: '/bookings',
    summary: 'Bookings the caller may see: their enterprise’s, their institution’s, or all (admins)',
    tag,
    access: BOOKERS,
    query: bookingListQuerySchema,
    response: z.object({ items: z.array(bookingSchema), nextCursor: z.string().nullable() }),
    handler: ({ query, actor }) => booking.list(actor!, query),
  });
  route({
    method: 'get',
    path: '/bookings/:id',
    summary: 'One booking with its price and audit trail',
    tag,
    access: BOOKERS,
    params: idParams,
    response: bookingSchema,
    handler: ({ params, actor }) => booking.get(actor!, params.id),
  });
  const transitions = [
    ['approve', approveSchema, LAB, 'Approve a request (the lab may schedule a sample job’s machine time)'],
    ['reject', reasonSchema, LAB, 'Reject a request, with a reason'],
    ['cancel', optionalReasonSchema, BOOKERS, 'Cancel: the enterprise before the deadline, the lab with a reason'],
    ['check-in', optionalReasonSchema, LAB, 'The user has arrived / the job has started'],
    ['complete', completeSchema, LAB, 'Record the actual usage and the final price'],
    ['no-show', optionalReasonSchema, LAB, 'The user did not come'],
  ] as const;
  for (const [action, body, access, summary] of transitions) {
    route({
      method: 'post',
      path: `/bookings/:id/${action}`,
      summary,
      tag,
      access,
      params: idParams,
      body: body as z.ZodType<Record<string, unknown>>,
      response: bookingSchema,
      handler: ({ params, body: input, actor }) => checkout.transition(actor!, params.id, action, input),
    });
  }
  route({
    method: 'post',
    path: '/bookings/:id/refund',
    summary: 'Refund part or all of a captured card payment (the lab, after completion)',
    tag,
    access: LAB,
    params: idParams,
    body: z
      .object({
        amountFen: z.number().int('whole fen').positive('more than zero').max(1e10),
        reason: z.string().trim().min(1).max(500),
      })
      .strict(),
    response: bookingSchema,
    handler: ({ params, body, actor }) => checkout.refund(actor!, params.id, body.amountFen, body.reason),
  });
  route({
    method: 'post',
    path: '/bookings/:id/payment',
    summary:
      'Complete a card payment that needs action (its authorisation before the service failed): a new card token, saved and authorised at once (the enterprise that booked)',
    tag,
    access: BOOKERS,
    params: idParams,
    body: z.object({ paymentToken: bookingRequestSchema.shape.paymentToken.unwrap() }).strict(),
    response: bookingSchema,
    handler: ({ params, body, actor }) => checkout.pay(actor!, params.id, body.paymentToken),
  });
  route({
    method: 'post',
    path: '/bookings/:id/rate',
    summary: 'Rate a completed service on the national 5-level scale (5 非常满意 … 1 极差)',
    tag,
    access: ['researcher'],
    params: idParams,
    body: rateSchema,
    response: bookingSchema,
    handler: ({ params, body, actor }) => booking.rate(actor!, params.id, body.rating, body.comment),
  });

  // Training records
  const training = z.object({
    id: z.number().int(),
    instrumentId: z.number().int(),
    instrumentName: z.string(),
    /** The address granted to; the account's id and name only for admins and the holder. */
    user: z.object({ id: z.number().int().nullable(), name: z.string().nullable(), email: z.string() }),
    grantedAt: z.string(),
    expiresOn: z.string(),
    revokedAt: z.string().nullable(),
    valid: z.boolean(),
    note: z.string().nullable(),
  });
  route({
    method: 'get',
    path: '/training-records',
    summary: 'Training records: the lab’s institution’s, or the researcher’s own',
    tag,
    access: BOOKERS,
    query: z.object({ instrumentId: z.string().regex(/^\d+$/).transform(Number).optional() }).strict(),
    response: z.object({ items: z.array(training) }),
    handler: async ({ query, actor }) => ({ items: await booking.trainingRecords(actor!, query.instrumentId) }),
  });
  route({
    method: 'post',
    path: '/training-records',
    summary:
      'Grant an e-mail address the qualification to operate an instrument (owning lab, admins); the same ' +
      'answer whether or not the address has an account (without one, it applies when one is made)',
    tag,
    access: LAB,
    body: z
      .object({
        instrumentId: z.number().int().positive(),
        userEmail: z.string().trim().toLowerCase().pipe(z.email()),
        expiresOn: z.iso.date(),
        note: z.string().trim().max(200).optional(),
      })
      .strict(),
    response: training,
    status: 201,
    handler: ({ body, actor }) => booking.grantTraining(actor!, body),
  });
  route({
    method: 'post',
    path: '/training-records/:id/revoke',
    summary: 'Revoke a training record (owning lab, admins)',
    tag,
    access: LAB,
    params: idParams,
    response: training,
    handler: ({ params, actor }) => booking.revokeTraining(actor!, params.id),
  });

  // Holidays
  const holiday = z.object({
    date: z.string(),
    kind: z.enum(['off', 'workday']),
    nameZh: z.string(),
    nameEn: z.string().nullable(),
  });
  const dateParams = z.object({ date: z.iso.date() });
  route({
    method: 'get',
    path: '/holidays',
    summary: 'The platform-wide holiday calendar (public holidays and make-up working days)',
    tag,
    access: 'public',
    query: z
      .object({
        year: z
          .string()
          .regex(/^\d{4}$/)
          .transform(Number)
          .optional(),
      })
      .strict(),
    response: z.object({ items: z.array(holiday) }),
    handler: async ({ query }) => ({ items: await booking.holidays(query.year) }),
  });
  route({
    method: 'put',
    path: '/holidays/:date',
    summary: 'Add or change a holiday or make-up working day (platform admins)',
    tag,
    access: ['platform_admin'],
    params: dateParams,
    body: z
      .object({
        kind: z.enum(['off', 'workday']),
        nameZh: z.string().trim().min(1).max(40),
        nameEn: z.string().trim().max(60).nullable().optional(),
      })
      .strict(),
    response: holiday,
    handler: ({ params, body }) => booking.putHoliday(params.date, body),
  });
  route({
    method: 'delete',
    path: '/holidays/:date',
    summary: 'Remove a holiday (platform admins)',
    tag,
    access: ['platform_admin'],
    params: dateParams,
    handler: ({ params }) => booking.deleteHoliday(params.date),
  });

  // Calendar feeds
  route({
    method: 'get',
    path: '/me/calendar',
    summary: 'Whether the caller has a personal calendar feed (.ics) address, and since when (never the address)',
    tag,
    access: 'signed_in',
    response: z.object({ createdAt: z.string().nullable() }),
    handler: ({ actor }) => booking.calendarFeed(actor!),
  });
  route({
    method: 'post',
    path: '/me/calendar',
    summary: 'Make a new address for the caller’s calendar feed, shown this once; the old one stops working',
    tag,
    access: 'signed_in',
    response: z.object({ url: z.string(), createdAt: z.string() }),
    status: 201,
    handler: ({ actor }) => booking.newCalendarUrl(actor!),
  });
  // Service reports: the file itself is the body (up to 10 MB), its name in ?name=. Who may upload is
  // settled before a byte of the body is read (readUpload comes after the checks).
  router.put('/bookings/:id/report', async (req, res) => {
    checkAccess(req.actor ?? null, LAB);
    const { id } = parseInput(idParams, req.params, 'params');
    const { name } = parseInput(reportQuery, req.query, 'query');
    await booking.checkReportUpload(req.actor!, id);
    const bytes = await readUpload(req, REPORT_MAX_BYTES);
    res.json(await booking.attachReport(req.actor!, id, { name, bytes }));
  });
  router.get('/bookings/:id/report', async (req, res) => {
    checkAccess(req.actor ?? null, BOOKERS);
    const { id } = parseInput(idParams, req.params, 'params');
    sendDownload(res, await booking.report(req.actor!, id));
  });
  registry.registerPath({
    method: 'put',
    path: '/api/v1/bookings/{id}/report',
    operationId: operationIdOf('put', '/bookings/:id/report'),
    summary: 'Attach the service report (the raw file as the body, its name in ?name=; owning lab)',
    description:
      'Roles: lab_manager, platform_admin (the instrument’s institution), once the job has started. The file’s ' +
      'type is read from its content, not from Content-Type: PDF, PNG, JPEG, WebP, Word, Excel or PowerPoint ' +
      '(.docx/.xlsx/.pptx and legacy .doc/.xls/.ppt) or zip, up to 10 MB. Access is checked before the body ' +
      'is read; a refused upload closes the connection. A new report replaces the old one.',
    tags: [tag],
    security: [{ session: [] }],
    request: {
      params: idParams as never,
      query: reportQuery as never,
      body: { content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
    },
    responses: {
      200: { description: 'The booking', content: { 'application/json': { schema: bookingSchema } } },
      400: { description: 'Empty file or invalid name (application/problem+json)' },
      401: { description: 'Not signed in' },
      403: { description: 'Not the owning lab' },
      404: { description: 'No such booking visible to the caller' },
      409: { description: 'The job has not started' },
      413: { description: 'Larger than 10 MB (Content-Length is checked before reading)' },
      415: { description: 'Not a PDF, image, Office document or zip' },
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/bookings/{id}/report',
    operationId: operationIdOf('get', '/bookings/:id/report'),
    summary: 'Download the service report',
    description:
      'Roles: researcher (own enterprise), lab_manager (own institution), platform_admin. Sent as an ' +
      'attachment with the type found at upload, sandboxed (Content-Security-Policy: sandbox).',
    tags: [tag],
    security: [{ session: [] }],
    request: { params: idParams as never },
    responses: {
      200: fileResponse(typesOfKinds(REPORT_KINDS)),
      401: { description: 'Not signed in' },
      404: { description: 'No such booking, or no report' },
    },
  });

  // Calendar feeds (iCalendar), for calendar apps: answered as files.
  route({
    method: 'get',
    path: '/instruments/:id/calendar.ics',
    operationId: 'getInstrumentCalendarFeed',
    summary: 'The instrument’s booked times as an iCalendar feed (no names or purposes)',
    tag,
    access: 'public',
    params: idParams,
    file: ['text/calendar'],
    handler: async ({ params, res }) => {
      res.type('text/calendar').send(await booking.instrumentCalendar(params.id));
    },
  });
  route({
    method: 'get',
    path: '/calendar/:token.ics',
    operationId: 'getPersonalCalendarFeed',
    summary: 'A person’s bookings as an iCalendar feed; the secret address made by POST /me/calendar is the credential',
    tag,
    access: 'public',
    params: z.object({ token: z.string().min(1).max(200) }),
    file: ['text/calendar'],
    handler: async ({ params, res }) => {
      res.type('text/calendar').send(await booking.userCalendar(params.token));
    },
  });
  return router;
}
