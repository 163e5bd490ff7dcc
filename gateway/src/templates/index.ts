/** Prompt templates: named, versioned system prompts and messages added per route/model/team/agent. */
export { templateStage, requestVariables, PROMPT_VERSION_ATTR, TEMPLATE_EVENT, type TemplateStageDeps } from './template-stage.js';
export { compileTemplates, checkTemplatesSection, type CompiledTemplate, type CompiledTemplates } from './compile-templates.js';
export { parseTemplate, renderTemplate, placeholderProblem, type TemplatePart, type VariableLookup } from './placeholders.js';
