export function App() {
  return (
    <main>
      <h1>Strata</h1>
      <p>Drop an LTTng trace folder or archive here.</p>
    </main>
  );
}
