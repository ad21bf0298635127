"""Output files from an animation's frames: the writers (see writers.py, which
registers them by suffix) and the GIF encoder that Make's frame stage runs.

Nothing is imported here, so the frame stage loads the GIF encoder without
the video and storyboard writers (and Make rebuilds no frames when those change).
"""
