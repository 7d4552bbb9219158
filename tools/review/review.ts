/**
 * The review's one pipeline: a source makes plans (sources/: the lab offline, the lab against the
 * account, a user's plan or state file), the assessment turns them into one value
 * (assessment/assess.ts), and the renderers draw that value (render/: text, Markdown, Mermaid,
 * JSON). Every review mode runs through here, and writes its report the same way.
 */
import * as fs from 'fs';
import * as path from 'path';
import { AccountAssessment, assess, OfflineAssessment, PlanAssessment } from './assessment/assess';
import { ExitCode } from './assessment/changes';
import { ConfigurationStatus } from './model/terraform-configuration';
import { renderMarkdown } from './render/markdown';
import { mermaidDiagram } from './render/mermaid';
import { renderText } from './render/text';
import { AccountPlans, AccountReviewOptions, planAgainstAccount } from './sources/account';
import { OfflineLabPlans, planOfflineLab, ReviewOptions } from './sources/offline-lab';
import { assertHoldsInstances, PlanFile, readPlanFile } from './sources/plan-file';

/** The offline review: the plans, and when every stack planned, the assessment and its report. */
export interface ReviewResult extends OfflineLabPlans {
  readonly assessment?: OfflineAssessment;
  /** report.md, with lab.mmd (the diagram) beside it. */
  readonly reportFile?: string;
  readonly text?: string;
}

/** `npm run review`: every stack planned offline, assessed and rendered; report.md and lab.mmd in the review folder. */
export async function runReview(options: ReviewOptions): Promise<ReviewResult> {
  const plans = await planOfflineLab(options);
  if (plans.outcomes.some((outcome) => !outcome.ok)) return plans;
  const assessment = assess({ mode: 'offline', ...plans }) as OfflineAssessment;
  const outDir = path.resolve(options.outDir);
  const reportFile = path.join(outDir, 'report.md');
  fs.writeFileSync(path.join(outDir, 'lab.mmd'), mermaidDiagram(assessment.diagram));
  fs.writeFileSync(reportFile, renderMarkdown(assessment));
  return { ...plans, assessment, reportFile, text: renderText(assessment) };
}

/** The account review: the plans against the account, their assessment and its report. */
export interface AccountReviewResult extends AccountPlans {
  readonly assessment: AccountAssessment;
  readonly exitCode: ExitCode;
  readonly reportFile: string;
  readonly text: string;
}

/** `npm run review -- --account`: what this plan does to the deployed lab; report.md in the review folder. */
export async function runAccountReview(options: AccountReviewOptions): Promise<AccountReviewResult> {
  const plans = await planAgainstAccount(options);
  const assessment = assess({ mode: 'account', ...plans }) as AccountAssessment;
  const reportFile = path.join(path.resolve(options.outDir), 'report.md');
  fs.writeFileSync(reportFile, renderMarkdown(assessment));
  return { ...plans, assessment, exitCode: assessment.exitCode, reportFile, text: renderText(assessment) };
}

/** A user's plan or state, assessed and rendered (the CLI writes the files: nothing half-written). */
export interface PlanFileReview {
  readonly assessment: PlanAssessment;
  readonly exitCode: ExitCode;
  readonly text: string;
  readonly markdown: string;
  /** The Mermaid diagram the report embeds. */
  readonly diagram: string;
}

/** Reviews a plan already read (sources/plan-file.ts), with the configuration it was made from where it was read. */
export function reviewPlan(file: string, read: PlanFile, configuration?: ConfigurationStatus): PlanFileReview {
  assertHoldsInstances(file, read);
  const assessment = assess({ mode: 'plan', file, kind: read.kind, plan: read.plan, configuration }) as PlanAssessment;
  return {
    assessment,
    exitCode: assessment.exitCode,
    text: renderText(assessment),
    markdown: renderMarkdown(assessment),
    diagram: mermaidDiagram(assessment.diagram),
  };
}

/** Reads and reviews a `terraform show -json` file (throws ReviewError for one it cannot read). */
export function reviewPlanFile(file: string, configuration?: ConfigurationStatus): PlanFileReview {
  return reviewPlan(file, readPlanFile(file), configuration);
}
