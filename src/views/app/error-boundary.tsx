import { Component, type ErrorInfo, type ReactNode } from 'react';

interface Props {
  children: ReactNode;
  /** What the boundary guards, for the message ('the timeline'). */
  what: string;
  onReset?: () => void;
}

/** A render crash shows what broke instead of a blank page. */
export class ErrorBoundary extends Component<Props, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error(`Strata: ${this.props.what} crashed`, error, info.componentStack);
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <section role="alert" className="strata-failure">
        <h2>Something went wrong in {this.props.what}</h2>
        <p>{error.message}</p>
        <p className="strata-hint">
          This is a bug in the viewer, not in your trace. The details are in the browser console.
        </p>
        <button
          type="button"
          onClick={() => {
            this.setState({ error: null });
            this.props.onReset?.();
          }}
        >
          Try again
        </button>
      </section>
    );
  }
}
