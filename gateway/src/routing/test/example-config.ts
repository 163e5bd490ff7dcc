/**
 * The routing examples from the report, as an operator would write them (YAML). Used by
 * the rule tests and quoted in the routing README section.
 */
export const ROUTING_EXAMPLE_YAML = `
providers:
  - { name: openai, kind: openai, apiKey: { env: OPENAI_API_KEY } }
  - { name: vllm, kind: openai, baseUrl: "http://10.0.0.5:8000/v1" }
models:
  assistant:
    strategy: least-latency
    targets:
      - { provider: openai, model: gpt-4o, tags: [hosted, large], contextWindow: 128000 }
      - { provider: openai, model: gpt-4o-mini, tags: [hosted, small], contextWindow: 128000 }
      - { provider: vllm, model: llama-3.1-70b, tags: [self-hosted], contextWindow: 32000, price: { inputUsdPerMTok: 0, outputUsdPerMTok: 0 } }
    rules:
      # Sensitive data (the guardrails stage found PII, or set sluice.sensitive) never leaves the house.
      - name: sensitive-stays-home
        when: { sensitive: true }
        use: { tags: [self-hosted] }
      # A header that marks complexity or priority.
      - name: complex-first
        when: { header: { x-sluice-complexity: [high, max] } }
        use: { targets: [openai/gpt-4o] }
        failover: group
      # By team (from the virtual key or JWT), or by a claim.
      - name: research-gets-large
        when: { team: research }
        use: { tags: [large] }
      - name: gold-tier
        when: { claims: { org.tier: gold } }
        use: { tags: [large] }
      # By size (counted tokens) and by whether the request carries tools.
      - name: big-prompts
        when: { inputTokens: { gt: 8000 } }
        use: { tags: [large] }
        strategy: priority
      - name: tool-calls
        when: { tools: true }
        use: { targets: [openai/gpt-4o, openai/gpt-4o-mini] }
        strategy: priority
      # By path: the Anthropic-compatible route goes to the small model.
      - name: messages-api
        when: { path: /v1/messages }
        use: { tags: [small] }
    routing:
      retry: { maxAttempts: 4, backoff: { initialMs: 50 } }
      hedging: { enabled: true, afterMs: 1500 }
  cheap:
    strategy: least-cost
    targets:
      - { provider: openai, model: gpt-4o }
      - { provider: openai, model: gpt-4o-mini }
  split:
    strategy: weighted
    targets:
      - { provider: openai, model: gpt-4o, weight: 9 }
      - { provider: vllm, model: llama-3.1-70b, weight: 1 }
routing:
  retry: { maxAttempts: 3, retryOn: [connect, timeout, rate-limited, server-error] }
  breaker: { consecutiveFailures: 5, baseEjectionMs: 10000 }
  hedging: { afterMs: 2000 }
  healthChecks: { enabled: false }
`;
