import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Min, ValidateNested } from 'class-validator';
import { readDocComments } from './doc-comments';
import { renderEventCatalogue, type EventCatalogueInput } from './render-event-catalogue';

class Amounts {
  @IsInt()
  @Min(0)
  cpuMillis: number;
}

class Spec {
  @IsString()
  name: string;
}

class WidgetMadeData {
  @IsString()
  widget: string;

  @ValidateNested()
  @Type(() => Amounts)
  amounts: Amounts;

  @IsOptional()
  @ValidateNested()
  @Type(() => Spec)
  spec?: Spec;
}

class WidgetGoneData {
  @IsString()
  widget: string;
}

function widgetV1ToV2(data: Record<string, unknown>): Record<string, unknown> {
  return data;
}

const sources = `
/** A widget was made. */
class WidgetMadeData {
  /** Which widget. */
  widget: string;
}
/** v1 had no amounts. */
function widgetV1ToV2() {}
`;

function input(overrides: Partial<EventCatalogueInput> = {}): EventCatalogueInput {
  return {
    types: {
      WidgetMade: { data: WidgetMadeData, category: 'host', schemaVersion: 2, contract: true },
      WidgetGone: { data: WidgetGoneData, category: 'host', schemaVersion: 1, contract: false },
    },
    upcasterFrom: (type, from) => (type === 'WidgetMade' && from === 1 ? widgetV1ToV2 : undefined),
    streams: [
      { category: 'host', streamIds: ['host-<host>'] },
      { category: 'service', streamIds: ['service-<service>'] },
    ],
    docs: readDocComments([{ fileName: 'widgets.ts', text: sources }]),
    documentedElsewhere: { Spec: 'service-spec.md' },
    ...overrides,
  };
}

describe('renderEventCatalogue', () => {
  const markdown = renderEventCatalogue(input());

  it('gives every type a section with its stream, version, kind and doc comment', () => {
    expect(markdown).toContain(
      '### WidgetMade\n\nA widget was made.\n\nStream `host-<host>`, schema v2, public.',
    );
    expect(markdown).toContain('### WidgetGone\n\nStream `host-<host>`, schema v1, extension.');
  });

  it('lists every field with its type, whether required, its rules and its comment', () => {
    expect(markdown).toContain('| `widget` | string | yes |  | Which widget. |');
    expect(markdown).toContain('| `amounts` | [Amounts](#amounts) | yes |  |  |');
    expect(markdown).toContain('| `spec` | [Spec](service-spec.md) | no |  |  |');
  });

  it('describes nested classes once, except those documented on another page', () => {
    expect(markdown.match(/^### Amounts$/gm)).toHaveLength(1);
    expect(markdown).toContain('| `cpuMillis` | integer | yes | ≥ 0 |  |');
    expect(markdown).not.toMatch(/^### Spec$/m);
  });

  it('lists each stream category with its types, leaving out categories without any', () => {
    expect(markdown).toContain(
      '| `host` | `host-<host>` | [WidgetMade](#widgetmade), [WidgetGone](#widgetgone) |',
    );
    expect(markdown).toContain('| `service` | `service-<service>` | — |');
    expect(markdown).not.toContain('## service events');
  });

  it('names the upcaster of each older schema version by its comment', () => {
    expect(markdown).toContain('| [WidgetMade](#widgetmade) | v2 | v1 → v2: v1 had no amounts. |');
  });

  it('says so when a version step has no upcaster', () => {
    const without = renderEventCatalogue(input({ upcasterFrom: () => undefined }));
    expect(without).toContain('v1 → v2: no upcaster');
  });

  it('renders the same text for the same input', () => {
    expect(renderEventCatalogue(input())).toBe(markdown);
  });
});
