import { z } from 'zod';

/** `budgets` section — filled in by the issue that owns it. */
export const BudgetsSectionSchema = z.object({}).strict().prefault({});
export type BudgetsSection = z.infer<typeof BudgetsSectionSchema>;
