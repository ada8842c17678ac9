import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { idParams, routeDeclarer } from '../../http/route.ts';
import { acceptSchema, agreementSchema } from './agreements.schemas.ts';
import type { AgreementsService } from './agreements.service.ts';

const SEE = ['researcher', 'lab_manager', 'finance_officer', 'platform_admin'] as const;

export function agreementRoutes(agreements: AgreementsService, registry: OpenAPIRegistry): Router {
  const router = Router();
  const route = routeDeclarer(router, registry);
  const tag = 'Booking';

  route({
    method: 'get',
    path: '/bookings/:id/agreement',
    operationId: 'getBookingAgreement',
    summary:
      'The service agreement (服务协议) of a confirmed booking: its number, SHA-256 and acceptance (the enterprise, the provider, finance, admins)',
    tag,
    access: SEE,
    params: idParams,
    response: agreementSchema,
    handler: ({ params, actor }) => agreements.get(actor!, params.id),
  });
  route({
    method: 'get',
    path: '/bookings/:id/agreement/pdf',
    operationId: 'getBookingAgreementPdf',
    summary: 'The service agreement as the stored PDF in Chinese (its SHA-256 in the X-Content-SHA256 header)',
    tag,
    access: SEE,
    params: idParams,
    file: ['application/pdf'],
    handler: async ({ params, actor, res }) => {
      const pdf = await agreements.pdf(actor!, params.id);
      res
        .status(200)
        .type('application/pdf')
        .set('X-Content-SHA256', pdf.sha256)
        .set(
          'Content-Disposition',
          `inline; filename="agreement-${params.id}.pdf"; filename*=UTF-8''${encodeURIComponent(pdf.name)}`,
        )
        .send(pdf.body);
    },
  });
  route({
    method: 'post',
    path: '/bookings/:id/agreement/accept',
    operationId: 'acceptBookingAgreement',
    summary:
      'Accept the service agreement (the enterprise that booked): the SHA-256 of the document read must be the stored one; who, when, the client address and browser are recorded, once',
    tag,
    access: SEE,
    params: idParams,
    body: acceptSchema,
    response: agreementSchema,
    handler: ({ params, body, actor, req }) =>
      agreements.accept(actor!, params.id, body.sha256, {
        address: req.ip ?? null,
        userAgent: req.get('user-agent') ?? null,
      }),
  });
  return router;
}
