import { Children, isValidElement, type ReactElement, type ReactNode } from 'react';
import { TabsClient } from './tabs.client';

interface TabProps {
  label: string;
  children?: ReactNode;
}

/** `<Tab label="Debian / Ubuntu">…</Tab>` inside `<Tabs>`: one panel. Rendered by `Tabs`. */
export function Tab({ children }: TabProps) {
  return <>{children}</>;
}

/**
 * `<Tabs><Tab label="…">…</Tab>…</Tabs>` in MDX. Every panel is rendered on the server (so
 * all of it is in the HTML and the search index); a small client island switches between them.
 */
export function Tabs({ children }: { children: ReactNode }) {
  const tabs = Children.toArray(children).filter(
    (child): child is ReactElement<TabProps> => isValidElement<TabProps>(child) && typeof child.props.label === 'string',
  );
  if (tabs.length === 0) throw new Error('<Tabs> needs at least one <Tab label="…"> child');
  return <TabsClient labels={tabs.map((tab) => tab.props.label)} panels={tabs.map((tab) => tab.props.children)} />;
}
