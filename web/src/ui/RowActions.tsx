import { MoreOutlined } from '@ant-design/icons';
import { Button, Dropdown, Space } from 'antd';
import type { MenuProps } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import './tables.css';

/**
 * A table row's actions the Ant Design Pro way: one primary action shown, the rest in a "more" menu,
 * so the actions column stays narrow whatever the row offers.
 */
export function RowActions({
  primary,
  items,
  testId,
}: {
  primary: ReactNode;
  items?: NonNullable<MenuProps['items']>;
  testId?: string;
}) {
  const { t } = useTranslation();
  return (
    <Space size={0} className="row-actions" onClick={(e) => e.stopPropagation()}>
      {primary}
      {items?.length ? (
        <Dropdown trigger={['click']} menu={{ items }} placement="bottomRight">
          <Button
            type="text"
            size="small"
            icon={<MoreOutlined />}
            aria-label={t('work.table.more')}
            title={t('work.table.more')}
            data-testid={testId ?? 'row-more'}
          />
        </Dropdown>
      ) : null}
    </Space>
  );
}
