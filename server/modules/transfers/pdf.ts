/**
 * The payment notice (付款通知书) as a printable PDF, in Chinese: who pays whom, how much (in figures
 * and in capitals, as finance departments write it), the remittance reference to quote, the due
 * date, and what has arrived so far. A4, the platform's Noto Sans Hans (settlement/exports.ts).
 */
import PDFDocument from 'pdfkit';
import { formatFen } from '../../shared/money.ts';
import { fenToChineseCapital, fonts } from '../settlement/exports.ts';
import type { NoticeView } from './transfers.schemas.ts';

/** The ideographic space that separates fields in Chinese running text. */
const SP = '\u3000';

const STATUS_ZH: Record<NoticeView['status'], string> = {
  open: '待付款',
  partly_paid: '部分到账',
  paid: '已付清',
  overpaid: '多付待退',
  cancelled: '已取消',
  debt: '逾期欠款',
};

export function paymentNoticePdf(n: NoticeView): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 50, bottom: 50, left: 56, right: 56 },
    lang: 'zh-CN',
    displayTitle: true,
    info: {
      Title: `付款通知书 ${n.reference}`,
      Author: n.provider.name,
      Creator: '大型科研仪器共享平台',
      Producer: 'PDFKit',
      CreationDate: new Date(n.createdAt),
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const f = fonts();
  doc.registerFont('zh', f.regular);
  doc.registerFont('zh-bold', f.bold);
  const left = 56;
  const width = doc.page.width - 112;

  doc.font('zh-bold').fontSize(20).text('付款通知书', left, 50, { width, align: 'center' });
  doc
    .font('zh')
    .fontSize(10)
    .fillColor('#555')
    .text(`编号 ${n.reference}${SP}·${SP}开具日期 ${n.createdAt.slice(0, 10)}${SP}·${SP}状态：${STATUS_ZH[n.status]}`, {
      width,
      align: 'center',
    });
  doc.fillColor('#000').moveDown(1.2);
  doc
    .fontSize(11)
    .text(`致 ${n.enterprise.name}：`)
    .moveDown(0.4)
    .text(
      `贵单位预约的仪器服务（预约单号 #${n.bookingId}${n.instrumentName ? `，${n.instrumentName}` : ''}）已确认。请于 ${n.dueOn} 前（含当日）将下列款项以对公转账方式汇入服务单位账户，并在转账附言（用途）中注明汇款识别码。`,
      { width, lineGap: 3 },
    )
    .moveDown(1);

  const row = (label: string, value: string, bold = false) => {
    const y = doc.y;
    doc.font('zh').fontSize(11).fillColor('#555').text(label, left, y, { width: 110 });
    doc
      .font(bold ? 'zh-bold' : 'zh')
      .fillColor('#000')
      .text(value, left + 115, y, { width: width - 115 });
    doc.moveDown(0.5);
  };
  row('收款单位（户名）', n.payee.accountName);
  row('开户银行', n.payee.bankName);
  row('银行账号', n.payee.accountNo, true);
  row('应付金额', `${formatFen(n.amountFen)}（人民币大写：${fenToChineseCapital(n.amountFen)}）`, true);
  row('汇款识别码', `${n.reference}（请务必填写在转账附言中）`, true);
  row('付款截止日期', n.dueOn);
  row('已到账金额', formatFen(n.receivedFen));
  if (n.receipts.length) {
    doc.moveDown(0.5).font('zh-bold').text('到账记录', left, doc.y, { width }).moveDown(0.3);
    for (const r of n.receipts)
      doc
        .font('zh')
        .fontSize(10)
        .text(
          `${r.receivedOn}${SP}${r.kind === 'receipt' ? '到账' : '退回'} ${formatFen(r.amountFen)}${SP}银行流水号 ${r.bankReference}`,
          { width },
        );
  }
  doc
    .moveDown(1.5)
    .font('zh')
    .fontSize(9)
    .fillColor('#555')
    .text(
      '说明：本通知书所列金额为使用创新券抵扣后由贵单位自付的部分。服务完成后如实际费用与预约时不同，应付金额以服务完成时的结算为准。' +
        '逾期未付的，服务开始前服务单位可取消预约；服务完成后未付款项计为欠款。自付部分到账前，该笔服务的创新券不予兑付。',
      { width, lineGap: 2 },
    );
  doc.moveDown(2).fillColor('#000').fontSize(11).text(n.provider.name, { width, align: 'right' });
  doc.end();
  return done;
}
