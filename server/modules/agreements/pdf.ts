/**
 * The service agreement (服务协议) as a PDF in Chinese: the parties with their credit codes, the
 * service, the price lines and who pays which share (each voucher programme, the enterprise's own
 * share and how it is paid), and the terms (cancellation deadline, no-show fee, the lab's rules).
 * Pure: the facts in, the bytes out (A4, the platform's Noto Sans Hans from settlement/exports.ts).
 */
import { DateTime } from 'luxon';
import PDFDocument from 'pdfkit';
import { fundingSourceLabels } from '../../../db/schema/enums.ts';
import { formatFen } from '../../shared/money.ts';
import { fenToChineseCapital, fonts } from '../settlement/exports.ts';
import type { AgreementFacts, Party } from './agreements.repo.ts';

const PAYMENT_METHOD: Record<string, string> = {
  card: '银行卡（支付机构预授权，服务完成后按实际结算扣款）',
  bank_transfer: '对公转账（凭付款通知书）',
  invoice: '服务单位开具发票后付款',
};
const MODE: Record<string, string> = { machine_time: '机时预约（自主上机）', sample: '委托测试（送样）' };
const SETTLEMENT: Record<string, string> = { deduct: '抵扣（通兑）', reimburse: '先付后补（通用）' };
const SP = '\u3000';

/** The agreement's number as printed (one per booking). */
export const agreementNumber = (f: Pick<AgreementFacts, 'bookingId' | 'createdAt'>) =>
  `FW-${DateTime.fromMillis(f.createdAt, { zone: 'Asia/Shanghai' }).toFormat('yyyyMMdd')}-${String(f.bookingId).padStart(6, '0')}`;

export function serviceAgreementPdf(f: AgreementFacts, drawnUpAt: number): Promise<Buffer> {
  const zone = f.instrument.timeZone || 'Asia/Shanghai';
  const local = (ms: number, fmt = 'yyyy-MM-dd HH:mm') => DateTime.fromMillis(ms, { zone }).toFormat(fmt);
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 50, bottom: 50, left: 56, right: 56 },
    lang: 'zh-CN',
    displayTitle: true,
    info: {
      Title: `服务协议 ${agreementNumber(f)}`,
      Author: f.provider.name,
      Creator: '大型科研仪器共享平台',
      Producer: 'PDFKit',
      CreationDate: new Date(drawnUpAt),
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const ft = fonts();
  doc.registerFont('zh', ft.regular);
  doc.registerFont('zh-bold', ft.bold);
  const left = 56;
  const width = doc.page.width - 112;
  const heading = (text: string) => {
    if (doc.y > doc.page.height - 160) doc.addPage();
    doc.moveDown(0.8).font('zh-bold').fontSize(12).fillColor('#000').text(text, left, doc.y, { width });
    doc.moveDown(0.3).font('zh').fontSize(10);
  };
  const line = (text: string) => doc.font('zh').fontSize(10).fillColor('#000').text(text, left, doc.y, { width });

  doc.font('zh-bold').fontSize(20).text('大型科研仪器共享服务协议', left, 50, { width, align: 'center' });
  doc
    .font('zh')
    .fontSize(9)
    .fillColor('#555')
    .text(`协议编号 ${agreementNumber(f)}${SP}·${SP}预约单号 #${f.bookingId}${SP}·${SP}生成时间 ${local(drawnUpAt)}`, {
      width,
      align: 'center',
    });
  doc.fillColor('#000');

  const partyLines = (role: string, p: Party) => {
    line(`${role}：${p.name}`);
    line(`${SP}统一社会信用代码：${p.creditCode ?? '（未登记）'}`);
    if (p.legalRepresentative) line(`${SP}法定代表人：${p.legalRepresentative}`);
    if (p.address) line(`${SP}地址：${p.address}`);
    if (p.contactName || p.contactPhone)
      line(`${SP}联系人：${[p.contactName, p.contactPhone].filter(Boolean).join(SP)}`);
  };
  heading('一、协议双方');
  partyLines('甲方（用户单位）', f.enterprise);
  doc.moveDown(0.3);
  partyLines('乙方（服务单位）', f.provider);

  heading('二、服务内容');
  line(
    `仪器：${f.instrument.name}（仪器编号 ${f.instrument.assetNumber}${f.instrument.model ? `，型号 ${f.instrument.model}` : ''}）`,
  );
  line(`服务方式：${MODE[f.mode] ?? f.mode}`);
  if (f.mode === 'machine_time' && f.startAt !== null && f.endAt !== null)
    line(
      `服务时间：${local(f.startAt)} 至 ${local(f.endAt, 'HH:mm')}（${zone === 'Asia/Shanghai' ? '北京时间' : zone}）`,
    );
  else {
    line(`样品数量：${f.sampleCount ?? '—'} 个`);
    if (f.startAt !== null) line(`安排时间：${local(f.startAt)}`);
    if (f.wantedBy !== null) line(`期望完成日期：${local(f.wantedBy, 'yyyy-MM-dd')}`);
  }
  line(`申请人：${f.requesterName}`);
  if (f.purpose) line(`用途 / 课题：${f.purpose}`);
  line(`经费来源：${f.fundingSource ? fundingSourceLabels[f.fundingSource] : '未填写'}`);

  heading('三、费用及分担');
  for (const l of f.priceLines) {
    const qty = l.quantity !== 1 ? `${SP}${l.quantity} × ${formatFen(l.unitFen)}` : '';
    line(`${l.label}${qty}：${formatFen(l.amountFen)}`);
  }
  line(`预估服务费合计：${formatFen(f.quotedFen)}（大写：${fenToChineseCapital(f.quotedFen)}）`);
  let deducted = 0;
  for (const v of f.vouchers) {
    if (v.settlementMode === 'deduct') deducted += v.reservedFen;
    line(
      `创新券「${v.programmeName}」：${formatFen(v.reservedFen)}（比例 ${v.ratioPercent}%，${SETTLEMENT[v.settlementMode] ?? v.settlementMode}）`,
    );
  }
  if (!f.vouchers.length) line('本次服务未使用创新券。');
  const selfPay = f.quotedFen - deducted;
  line(`甲方自付：${formatFen(selfPay)}（大写：${fenToChineseCapital(selfPay)}）`);
  line(`自付部分支付方式：${f.paymentMethod ? (PAYMENT_METHOD[f.paymentMethod] ?? f.paymentMethod) : '无需支付'}`);
  line(
    '最终金额以服务完成后按实际用量结算为准；创新券部分按项目规则由财政资金兑付给乙方，甲方须足额支付自付部分，否则创新券部分不予兑付。',
  );

  heading('四、服务条款');
  const hours = f.cancellationDeadlineHours ?? 24;
  const noShow = f.noShowChargePercent ?? 0;
  line(`1. 取消：甲方可在服务开始前 ${hours} 小时以前免费取消；此后取消须经乙方同意。`);
  line(
    noShow > 0
      ? `2. 爽约：甲方未按约定时间到场且未取消的，乙方按预估费用的 ${noShow}% 收取爽约费，创新券不予抵扣。`
      : '2. 爽约：甲方未按约定时间到场且未取消的，不收取爽约费，创新券额度退回。',
  );
  line('3. 乙方应按约定提供服务并出具服务记录或测试报告；甲方应遵守乙方的仪器使用与安全规定。');
  line('4. 双方确认本协议所载内容真实，本协议作为创新券兑付的凭证之一，由平台留存其文件指纹（SHA-256）。');
  if (f.labRules) {
    heading('五、服务单位规定');
    line(f.labRules);
  }

  heading('确认');
  line(`本协议由平台于乙方确认预约时生成，甲方在平台上点击“接受协议”即视为签署。`);
  doc.moveDown(0.6);
  line(`甲方：${f.enterprise.name}${SP}${SP}乙方：${f.provider.name}`);

  doc.end();
  return done;
}
