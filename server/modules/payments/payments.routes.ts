import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import express, { Router } from 'express';
import { z } from 'zod';
import { defineRoute } from '../../http/route.ts';
import type { CheckoutService } from '../checkout/checkout.service.ts';

/** The processor's webhook: the raw body is kept for the signature check (mounted before the JSON parser). */
export function paymentRoutes(checkout: CheckoutService, registry: OpenAPIRegistry): Router {
  const router = Router();
  router.use('/payments/stripe/webhook', express.raw({ type: '*/*', limit: '512kb' }));
  defineRoute(router, registry, {
    method: 'post',
    path: '/payments/stripe/webhook',
    summary:
      'Stripe events (Stripe-Signature verified; stored by event id, replays are no-ops). The charge or dispute an event names is fetched from the processor and its state recorded, never the body’s; 503 when the processor cannot be asked (the event stays open for the retry)',
    tag: 'Payments',
    access: 'public',
    response: z.object({ received: z.literal(true), replayed: z.boolean(), outcome: z.string() }),
    handler: ({ req }) =>
      checkout.webhook(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), req.get('stripe-signature')),
  });
  return router;
}
