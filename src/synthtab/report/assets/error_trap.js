window.__reportErrors=[];
window.addEventListener('error',function(e){window.__reportErrors.push(String(e.message||e));});
window.addEventListener('unhandledrejection',function(e){window.__reportErrors.push('unhandled rejection: '+String(e.reason));});
(function(){var original=console.error;console.error=function(){window.__reportErrors.push(Array.prototype.join.call(arguments,' '));return original.apply(console,arguments);};})();
