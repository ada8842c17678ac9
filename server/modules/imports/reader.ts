/**
 * Reading an uploaded sheet row by row without holding it whole: csv-parse's stream for CSV, exceljs's
 * streaming WorkbookReader (first worksheet) for XLSX. Rows are numbered as the sheet numbers them
 * (the header is row 1); rows with nothing in them are skipped.
 */
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import type { ImportFormat } from '../../../db/schema/enums.ts';
import { cellText } from './template.ts';

export interface SheetRow {
  /** The row's number in the sheet (header: 1). */
  row: number;
  cells: string[];
}

/** Decodes a stream of UTF-8 chunks as one text: a character split between two chunks stays whole. */
async function* utf8(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  for await (const chunk of chunks) yield typeof chunk === 'string' ? chunk : decoder.write(chunk);
  const rest = decoder.end();
  if (rest) yield rest;
}

/**
 * exceljs's streaming reader decodes each inflated chunk of the shared strings and the worksheet on
 * its own (utils/parse-sax.js), which breaks a Chinese character split between two chunks into
 * U+FFFD: the chunks are handed over as text decoded across their boundaries instead.
 */
class Utf8WorkbookReader extends ExcelJS.stream.xlsx.WorkbookReader {
  override _parseSharedStrings(entry: NodeJS.ReadableStream) {
    entry.setEncoding('utf8');
    return (super._parseSharedStrings as (e: unknown) => unknown)(entry);
  }
  override _parseWorksheet(iterable: AsyncIterable<Buffer>, sheetNo: string) {
    return (super._parseWorksheet as (i: unknown, n: string) => unknown)(utf8(iterable), sheetNo);
  }
}
/* eslint-disable @typescript-eslint/no-namespace -- the internals the subclass overrides, typed */
declare module 'exceljs' {
  namespace stream {
    namespace xlsx {
      interface WorkbookReader {
        _parseSharedStrings(entry: unknown): unknown;
        _parseWorksheet(iterable: unknown, sheetNo: string): unknown;
      }
    }
  }
}
/* eslint-enable @typescript-eslint/no-namespace */

/** Every row of the first sheet, the header row first, cells as the template reads them. */
export async function* readSheet(bytes: Buffer, format: ImportFormat): AsyncGenerator<SheetRow> {
  if (format === 'csv') {
    const parser = Readable.from([bytes]).pipe(
      parse({ bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: false }),
    );
    let row = 0;
    for await (const record of parser as AsyncIterable<string[]>) {
      row++;
      const cells = record.map(cellText);
      if (cells.some((c) => c !== '')) yield { row, cells };
    }
    return;
  }
  const reader = new Utf8WorkbookReader(Readable.from([bytes]), {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache', // dates come as dates
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  for await (const sheet of reader) {
    for await (const r of sheet) {
      const values = (r.values as unknown[]).slice(1); // exceljs rows are 1-based
      const cells = Array.from({ length: values.length }, (_, i) => cellText(values[i]));
      if (cells.some((c) => c !== '')) yield { row: r.number, cells };
    }
    return; // the first worksheet only
  }
}

/** The header row (the first row with anything in it), or null for an empty sheet. */
export async function readHeaders(bytes: Buffer, format: ImportFormat): Promise<string[] | null> {
  for await (const r of readSheet(bytes, format)) return r.cells;
  return null;
}
