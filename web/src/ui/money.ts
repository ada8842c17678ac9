/** Money in the UI: the API speaks integer fen, people read and type yuan; one implementation for both sides. */
export {
  fenToYuanString,
  formatFen,
  formatFenCompact,
  MAX_UNIT_PRICE_FEN,
  parseYuanToFen,
} from '../../../server/shared/money.ts';
