import * as ts from 'typescript';

/** The doc comment of one declaration and of its members, each flattened to one line. */
export interface DeclarationDocs {
  summary?: string;
  members: Map<string, string>;
}

/** Doc comments of classes and functions, by declared name. */
export type DocComments = Map<string, DeclarationDocs>;

export interface SourceText {
  fileName: string;
  text: string;
}

/**
 * Reads the doc comments of every top-level class (and its properties) and function of the given
 * sources. Decorator metadata keeps no comments, so the catalogue reads them from the source text.
 * The first declaration of a name wins.
 */
export function readDocComments(sources: SourceText[]): DocComments {
  const docs: DocComments = new Map();
  for (const source of sources) {
    const file = ts.createSourceFile(source.fileName, source.text, ts.ScriptTarget.ES2022, true);
    for (const statement of file.statements) {
      if (ts.isClassDeclaration(statement) && statement.name) {
        const members = new Map<string, string>();
        for (const member of statement.members) {
          if (!ts.isPropertyDeclaration(member) || !ts.isIdentifier(member.name)) continue;
          const text = docOf(member);
          if (text) members.set(member.name.text, text);
        }
        remember(docs, statement.name.text, { summary: docOf(statement), members });
      } else if (ts.isFunctionDeclaration(statement) && statement.name) {
        remember(docs, statement.name.text, { summary: docOf(statement), members: new Map() });
      }
    }
  }
  return docs;
}

function remember(docs: DocComments, name: string, entry: DeclarationDocs): void {
  if (!docs.has(name)) docs.set(name, entry);
}

function docOf(node: ts.Node): string | undefined {
  const texts = ts
    .getJSDocCommentsAndTags(node)
    .filter(ts.isJSDoc)
    .map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? '')
    .filter((text) => text.trim() !== '');
  const last = texts.at(-1);
  return last === undefined ? undefined : last.replace(/\s+/g, ' ').trim();
}
