// jsdom has no canvas; ECharts and friends only need these to exist.
HTMLCanvasElement.prototype.getContext = (() => ({ measureText: () => ({ width: 0 }) })) as never
