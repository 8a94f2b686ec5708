import { Alert, Text } from '@mantine/core';
import type { Problem } from '../lib/errors';

/** An API error in words, announced to screen readers as it appears. */
export function ProblemAlert({ problem, onClose }: { problem: Problem | null; onClose?: () => void }) {
  if (!problem) return null;
  return (
    <Alert color="red" variant="light" role="alert" withCloseButton={Boolean(onClose)} onClose={onClose} closeButtonLabel="×">
      <Text size="sm">{problem.message}</Text>
      {problem.detail ? (
        <Text size="xs" c="dimmed" dir="auto">
          {problem.detail}
        </Text>
      ) : null}
    </Alert>
  );
}
