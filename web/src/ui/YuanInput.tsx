import { InputNumber, type InputNumberProps } from 'antd';

/**
 * An amount in yuan, typed by a person: string mode keeps the decimals exact until the form turns
 * them into integer fen (parseYuanToFen); never a float on money.
 */
export function YuanInput(props: InputNumberProps<string>) {
  return <InputNumber<string> stringMode min="0" precision={2} prefix="¥" className="full-width" {...props} />;
}
