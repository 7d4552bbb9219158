/** The Mermaid flowchart every report embeds, written from the assessment's diagram (assessment/diagram.ts). */
import type { Diagram, DiagramEdge, DiagramGroup, DiagramNode } from '../assessment/diagram';

/** A Mermaid node id: the entity's id with every other character an underscore. */
function nodeId(id: string): string {
  return id === 'internet' || id === 'operator' ? id : `n_${id.replace(/[^A-Za-z0-9]/g, '_')}`;
}

/** Label text inside Mermaid's quotes. */
const text = (value: string) => value.replace(/"/g, "'");

const SHAPES: Readonly<Record<DiagramNode['shape'], [string, string]>> = {
  circle: ['((', '))'],
  box: ['[', ']'],
  cylinder: ['[(', ')]'],
  parallelogram: ['[/', '/]'],
  hexagon: ['{{', '}}'],
  stadium: ['([', '])'],
};

function nodeText(node: DiagramNode): string {
  const [open, close] = SHAPES[node.shape];
  return `${nodeId(node.id)}${open}"${node.label.map(text).join('<br/>')}"${close}`;
}

function treeLines(item: DiagramNode | DiagramGroup, indent: string): string[] {
  if (item.kind === 'node') return [`${indent}${nodeText(item)}`];
  return [
    `${indent}subgraph ${nodeId(item.id)}["${text(item.label)}"]`,
    ...item.children.flatMap((child) => treeLines(child, `${indent}  `)),
    `${indent}end`,
  ];
}

function edgeText(edge: DiagramEdge): string {
  const from = typeof edge.from === 'string' ? nodeId(edge.from) : nodeText(edge.from);
  const to = nodeId(edge.to);
  if (edge.style === 'line') return `${from} --- ${to}`;
  if (edge.style === 'dotted') return `${from} -. "${edge.label ?? ''}" .-> ${to}`;
  return edge.label === undefined ? `${from} --> ${to}` : `${from} -- "${edge.label}" --> ${to}`;
}

/** Mermaid flowchart of VPCs, subnets, gateways, endpoints and instances with their verdicts. */
export function mermaidDiagram(diagram: Diagram): string {
  const lines = [
    'flowchart LR',
    ...diagram.nodes.flatMap((item) => treeLines(item, '  ')),
    ...diagram.edges.map((edge) => `  ${edgeText(edge)}`),
  ];
  return `${lines.join('\n')}\n`;
}
