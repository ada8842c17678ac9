import { DatePicker } from 'antd';
import type { Dayjs } from 'dayjs';

export type RangeFieldProps = {
  value: [Dayjs, Dayjs] | null;
  onChange: (v: [Dayjs, Dayjs] | null) => void;
  disabledDate: (d: Dayjs) => boolean;
  placeholder: [string, string];
  /** Controlled: the visitor may click the stand-in before this chunk arrives, and it opens then. */
  open: boolean;
  onOpenChange: (open: boolean) => void;
};

/** The free-time search's date range: antd's picker, a chunk of its own (the catalogue loads it on first use). */
export default function RangeField({
  value,
  onChange,
  disabledDate,
  placeholder,
  open,
  onOpenChange,
}: RangeFieldProps) {
  return (
    <DatePicker.RangePicker
      value={value}
      onChange={(r) => onChange(r && r[0] && r[1] ? [r[0], r[1]] : null)}
      disabledDate={disabledDate}
      placeholder={placeholder}
      allowClear={false}
      open={open}
      onOpenChange={onOpenChange}
      autoFocus={open}
    />
  );
}
