"""Rule-engine expressions compiled to vectorised numpy: typed context, kernels, plain-word rendering."""
