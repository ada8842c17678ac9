/**
 * The platform's printable PDFs, by name: what the PDF thread (pdf-thread.ts) can draw. Each takes
 * plain data (copied to the worker) and answers the document's bytes.
 */
import { serviceAgreementPdf } from '../agreements/pdf.ts';
import { batchStatementPdf } from '../settlement/exports.ts';
import { paymentNoticePdf } from '../transfers/pdf.ts';

export const pdfRenderers = {
  serviceAgreement: serviceAgreementPdf,
  paymentNotice: paymentNoticePdf,
  batchStatement: batchStatementPdf,
};

export type PdfRenderers = typeof pdfRenderers;
