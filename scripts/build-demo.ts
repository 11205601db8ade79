// Placeholder until the synthesizer lands: the demo trace is generated into public/demo/.
console.log('demo: no synthesizer yet');
