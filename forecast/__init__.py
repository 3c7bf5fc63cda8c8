"""forecast: when does a language-model capability fit in a parameter budget?"""
__version__ = "0.1.0"
