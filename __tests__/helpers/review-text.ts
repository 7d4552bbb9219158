import type { EndpointWindow } from '../../tools/review/assessment/window';
import { headlineSentence, windowHeadlineSentence } from '../../tools/review/render/words';
import { verdictList } from '../../tools/review/assessment/instances';
import type { AccountReviewResult, PlanFileReview } from '../../tools/review/review';

/** The verdict lines of one instance's block in the review's printed text (`  <address> (…)` then indented lines). */
export function blockOf(text: string, address: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`  ${address} `));
  if (start < 0) throw new Error(`no block for ${address} in:\n${text}`);
  const end = lines.findIndex((line, i) => i > start && !line.startsWith('    '));
  return lines.slice(start + 1, end).map((line) => line.trim());
}

/** An account review as the tests read it: the assessment, its headlines worded as the reports print them. */
export function reviewed(result: AccountReviewResult) {
  return {
    ...result.assessment,
    headlines: result.assessment.headlines.map(headlineSentence),
    text: result.text,
    reportFile: result.reportFile,
  };
}

/** A window's headlines, worded as the reports print them. */
export function windowHeadlines(window: EndpointWindow): string[] {
  return window.headlines.map(windowHeadlineSentence);
}

/** A plan review's instances as the text prints them: address, name, action, the verdict lines and the assumptions. */
export function planBlocks(review: PlanFileReview) {
  return review.assessment.instances.map((block) => ({
    address: block.address,
    name: block.name,
    action: block.action,
    lines: verdictList(block.verdicts).map((verdict) => verdict.text),
    assumptions: block.assumptions,
  }));
}
